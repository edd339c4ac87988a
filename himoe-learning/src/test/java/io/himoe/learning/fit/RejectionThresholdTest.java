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

  @Test
  void anOosRecallTargetRejectsJustEnoughOutOfScopeRows() {
    double[] conf = {0.95, 0.2, 0.5, 0.45, 0.9, 0.7, 0.3};
    boolean[] oos = {false, true, true, false, false, true, true};
    // out-of-scope confidences 0.2, 0.3, 0.5, 0.7: half of them is two rows, so just above 0.3
    // (midway to 0.45, the next confidence of any row); the in-scope 0.45 stays accepted
    assertThat(RejectionThreshold.forOosRecall(conf, oos, 0.5)).isEqualTo(0.375);
    // 60 % of four rows is three: above 0.5, which now rejects the in-scope 0.45 as well
    assertThat(RejectionThreshold.forOosRecall(conf, oos, 0.6)).isEqualTo(0.6);
    // all of them: above the highest out-of-scope confidence, midway to 0.9
    assertThat(RejectionThreshold.forOosRecall(conf, oos, 1.0)).isEqualTo(0.8);
    // nothing above the last one: just above it
    assertThat(
            RejectionThreshold.forOosRecall(
                new double[] {0.4, 0.6}, new boolean[] {false, true}, 1.0))
        .isEqualTo(Math.nextUp(0.6));
  }

  @Test
  void anOosRecallTargetNeedsOutOfScopeRowsAndARecallInRange() {
    assertThatThrownBy(
            () -> RejectionThreshold.forOosRecall(new double[] {0.5}, new boolean[] {false}, 0.6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("there are none");
    assertThatThrownBy(
            () -> RejectionThreshold.forOosRecall(new double[] {0.5}, new boolean[] {true}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in (0, 1], got 0.0");
  }
}
