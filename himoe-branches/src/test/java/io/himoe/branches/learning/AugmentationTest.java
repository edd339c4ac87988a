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

  @Test
  void elasticWithoutDisplacementIsIdentityAndOtherwiseDeformsWithinTheInputRange() {
    Random data = new Random(5);
    float[] img = new float[28 * 28];
    for (int i = 0; i < img.length; i++) {
      img[i] = data.nextFloat();
    }
    float[] before = img.clone();
    assertThat(Augmentation.elastic(28, 28, 4, 0).apply(img, new Random(1))).containsExactly(img);
    Augmentation a = Augmentation.elastic(28, 28, 4, 2);
    float[] out = a.apply(img, new Random(7));
    assertThat(out).isNotEqualTo(img);
    for (float v : out) {
      // bilinear resampling mixes input values and zeros: never outside [0, max]
      assertThat(v).isBetween(0f, 1f);
    }
    assertThat(a.apply(img, new Random(7)))
        .as("same randomness, same deformation")
        .containsExactly(out);
    assertThat(img).as("the input is not modified").containsExactly(before);
  }

  @Test
  void elasticKeepsASmallDisplacementSmooth() {
    // a single bright column moved by at most 1 pixel stays within 1 pixel of where it was
    float[] img = new float[9 * 9];
    for (int r = 0; r < 9; r++) {
      img[r * 9 + 4] = 1f;
    }
    Random random = new Random(11);
    for (int k = 0; k < 50; k++) {
      float[] out = Augmentation.elastic(9, 9, 3, 1).apply(img, random);
      for (int r = 0; r < 9; r++) {
        for (int c = 0; c < 9; c++) {
          if (Math.abs(c - 4) > 1) {
            assertThat(out[r * 9 + c]).as("row %d col %d", r, c).isZero();
          }
        }
      }
    }
  }

  @Test
  void chainsApplyInOrderAndNoneAddsNothing() {
    Augmentation shift = Augmentation.shift(5, 5, 1);
    Augmentation elastic = Augmentation.elastic(5, 5, 2, 0.5);
    assertThat(shift.andThen(Augmentation.none())).isSameAs(shift);
    assertThat(Augmentation.none().andThen(elastic)).isSameAs(elastic);
    Augmentation both = shift.andThen(elastic);
    assertThat(both).isEqualTo(new Augmentation.Chain(shift, elastic));
    float[] img = new float[25];
    img[12] = 1f;
    Random r1 = new Random(4);
    Random r2 = new Random(4);
    assertThat(both.apply(img, r1)).containsExactly(elastic.apply(shift.apply(img, r2), r2));
  }

  @Test
  void badElasticSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> Augmentation.elastic(28, 28, 1, 2)).hasMessageContaining("grid");
    assertThatThrownBy(() -> Augmentation.elastic(28, 28, 4, -1)).hasMessageContaining("magnitude");
    assertThatThrownBy(() -> Augmentation.elastic(28, 28, 4, Double.NaN))
        .hasMessageContaining("magnitude");
    assertThatThrownBy(() -> Augmentation.elastic(1, 28, 4, 1)).hasMessageContaining("width");
    assertThatThrownBy(() -> Augmentation.elastic(28, 28, 4, 1).apply(new float[3], new Random(1)))
        .hasMessageContaining("3 values");
  }
}
