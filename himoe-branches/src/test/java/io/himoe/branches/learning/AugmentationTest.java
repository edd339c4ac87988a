package io.himoe.branches.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  @Test
  void shiftMovesThePixelWithinTheAllowedRangeAndCoversIt() {
    float[] img = new float[5 * 5];
    img[2 * 5 + 2] = 1f; // centre
    Augmentation a = Augmentation.shift(5, 5, 1);
    Random r = new Random(3);
    Set<Integer> seen = new HashSet<>();
    for (int k = 0; k < 200; k++) {
      float[] out = a.apply(img, r);
      int lit = -1;
      float sum = 0;
      for (int i = 0; i < out.length; i++) {
        sum += out[i];
        if (out[i] == 1f) {
          lit = i;
        }
      }
      assertThat(sum).isEqualTo(1f);
      int row = lit / 5;
      int col = lit % 5;
      assertThat(Math.abs(row - 2)).isLessThanOrEqualTo(1);
      assertThat(Math.abs(col - 2)).isLessThanOrEqualTo(1);
      seen.add(lit);
    }
    assertThat(seen).hasSize(9);
    assertThat(img[12]).isEqualTo(1f); // the input is not modified
  }

  @Test
  void vacatedPixelsAreZeroAndZeroShiftIsIdentity() {
    float[] img = new float[3 * 3];
    java.util.Arrays.fill(img, 1f);
    Random r = new Random(1);
    float[] out = Augmentation.shift(3, 3, 0).apply(img, r);
    assertThat(out).containsExactly(img);
    boolean sawEdge = false;
    for (int k = 0; k < 50; k++) {
      float[] s = Augmentation.shift(3, 3, 1).apply(img, r);
      float sum = 0;
      for (float v : s) {
        sum += v;
      }
      // a shift by (dx, dy) keeps (3-|dx|)(3-|dy|) pixels
      assertThat(sum).isIn(9f, 6f, 4f);
      sawEdge |= sum < 9f;
    }
    assertThat(sawEdge).isTrue();
    assertThat(Augmentation.none().apply(img, r)).isSameAs(img);
  }

  @Test
  void wrongSizesAreRefusedWithTheirNumbers() {
    assertThatThrownBy(() -> Augmentation.shift(28, 28, 1).apply(new float[10], new Random(1)))
        .hasMessageContaining("28x28")
        .hasMessageContaining("10 values");
    assertThatThrownBy(() -> Augmentation.shift(0, 28, 1)).hasMessageContaining("width");
  }
}
