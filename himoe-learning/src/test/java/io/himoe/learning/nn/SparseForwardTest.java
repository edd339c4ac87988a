package io.himoe.learning.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.shared.Encoded;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The first layer over a sparse vector's non-zeros against the dense forward pass. */
class SparseForwardTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 16})
  void sparseLogitsAreTheDenseOnes(int hidden) {
    Random r = new Random(11 + hidden);
    Mlp net = Mlp.create(4096, hidden, 6, 3);
    for (int trial = 0; trial < 200; trial++) {
      float[] dense = new float[4096];
      int nonZeros = 1 + r.nextInt(120);
      for (int i = 0; i < nonZeros; i++) {
        dense[r.nextInt(dense.length)] = (float) r.nextGaussian();
      }
      double[] expected = net.forward(dense).logits();
      Encoded sparse = new Encoded(dense).compact();
      assertThat(sparse.isSparse()).isTrue();
      // Same inputs in the same ascending order: equal to the bit, well within 1e-6.
      assertThat(net.logits(sparse)).containsExactly(expected);
      assertThat(net.logits(new Encoded(dense))).containsExactly(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 8})
  void aWrongDimensionIsRefused(int hidden) {
    Mlp net = Mlp.create(64, hidden, 3, 1);
    assertThatThrownBy(() -> net.logits(Encoded.sparse(65, new int[] {1}, new float[] {1f})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65");
  }
}
