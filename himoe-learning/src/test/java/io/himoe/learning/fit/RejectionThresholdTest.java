package io.himoe.learning.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RejectionThresholdTest {

  @Test
  void maximisesValidationAccuracyByHand() {
    double[] conf = {0.9, 0.8, 0.3, 0.4, 0.6};
    boolean[] right = {true, false, false, false, true};
    boolean[] oos = {false, false, true, true, false};
    // accept all: 2 right; rejecting 0.3 and 0.4 (both out of scope): 4 right; rejecting 0.6
    // too: 3. Best is between 0.4 and 0.6.
    assertThat(RejectionThreshold.calibrate(conf, right, oos)).isEqualTo(0.5);
  }

  @Test
  void tiedConfidencesMoveTogetherAndNoGainMeansZero() {
    assertThat(
            RejectionThreshold.calibrate(
                new double[] {0.5, 0.5}, new boolean[] {false, true}, new boolean[] {true, false}))
        .isZero();
    // all out of scope: reject everything, just above the highest confidence
    assertThat(
            RejectionThreshold.calibrate(
                new double[] {0.2, 0.7}, new boolean[] {false, false}, new boolean[] {true, true}))
        .isEqualTo(Math.nextUp(0.7));
  }

  @Test
  void arraysOfDifferentLengthsAreRefused() {
    assertThatThrownBy(
            () ->
                RejectionThreshold.calibrate(
                    new double[] {0.5}, new boolean[] {true, false}, new boolean[] {false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 correctness flags");
  }
}
