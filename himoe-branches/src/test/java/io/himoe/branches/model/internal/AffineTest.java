package io.himoe.branches.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class AffineTest {

  @Test
  void aLowRankDeltaStartsAtItsFullBaseAndCannotStackOnAnotherDelta() {
    try (NDManager m = DjlRuntime.pytorch().newBaseManager(Device.cpu())) {
      Affine full = Affine.full(m, 4, 3);
      Affine delta = Affine.lowRank(m, full, 2);
      assertThat(full.lowRank()).isFalse();
      assertThat(delta.lowRank()).isTrue();
      // B starts at 0: the delta's effective weight is the base's
      assertThat(delta.effectiveWeight().toFloatArray())
          .containsExactly(full.effectiveWeight().toFloatArray());
      // own parameters: A [4x2], B [2x3], bias [3]; the base's weights are not the delta's
      assertThat(delta.size()).isEqualTo(4 * 2 + 2 * 3 + 3);
      assertThat(delta.copy().lowRank()).isTrue();
      assertThatThrownBy(() -> Affine.lowRank(m, delta, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("full base");
    }
  }
}
