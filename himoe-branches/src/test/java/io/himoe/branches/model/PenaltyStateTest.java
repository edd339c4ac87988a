package io.himoe.branches.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PenaltyStateTest {

  @Test
  void synapticImportanceNeedsATaskThatGatheredItsPathIntegral() {
    try (BranchedNetwork net = BranchedNetwork.create(NetworkConfig.of(12, 4).withHidden(16));
        PenaltyState penalty = net.penaltyState(0, 1.0)) {
      penalty.startTask(false);
      assertThatThrownBy(() -> penalty.endTask(new Importance.PathIntegral(0.1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("integratePath");
      assertThat(penalty.floats()).as("nothing kept from the refused end").isZero();

      penalty.startTask(true);
      penalty.endTask(new Importance.PathIntegral(0.1));
      // anchors and importances, one float each per own weight of the branch
      assertThat(penalty.floats()).isEqualTo(2L * net.weights(0).length);
    }
  }
}
