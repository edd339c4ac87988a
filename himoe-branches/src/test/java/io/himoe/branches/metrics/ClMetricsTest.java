package io.himoe.branches.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClMetricsTest {

  // Worked by hand:
  //   after t0: [0.9, 0.1, 0.2]
  //   after t1: [0.7, 0.8, 0.3]
  //   after t2: [0.6, 0.5, 0.9]
  private static final AccuracyMatrix R =
      new AccuracyMatrix(
          new double[][] {
            {0.9, 0.1, 0.2},
            {0.7, 0.8, 0.3},
            {0.6, 0.5, 0.9}
          });

  @Test
  void averageAccuracyIsTheMeanOfTheLastRow() {
    // (0.6 + 0.5 + 0.9) / 3
    assertThat(ClMetrics.averageAccuracy(R)).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void backwardTransferComparesFinalToJustLearned() {
    // ((0.6 - 0.9) + (0.5 - 0.8)) / 2 = -0.3
    assertThat(ClMetrics.backwardTransfer(R)).isCloseTo(-0.3, within(1e-12));
  }

  @Test
  void forwardTransferComparesBeforeTrainingToInitial() {
    double[] b = {0.1, 0.1, 0.1};
    // ((0.1 - 0.1) + (0.3 - 0.1)) / 2 = 0.1
    assertThat(ClMetrics.forwardTransfer(R, b)).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void forgettingUsesTheBestEarlierAccuracy() {
    // task 0: max(0.9, 0.7) - 0.6 = 0.3; task 1: max(0.1, 0.8) - 0.5 = 0.3 -> 0.3
    assertThat(ClMetrics.forgetting(R)).isCloseTo(0.3, within(1e-12));
    AccuracyMatrix rising =
        new AccuracyMatrix(
            new double[][] {
              {0.5, 0.0},
              {0.9, 0.8}
            });
    // learned more later: max(0.5) - 0.9 = -0.4 (negative forgetting is positive transfer)
    assertThat(ClMetrics.forgetting(rising)).isCloseTo(-0.4, within(1e-12));
  }

  @Test
  void intransigenceComparesToJointReference() {
    double[] joint = {0.95, 0.9, 0.92};
    // ((0.95 - 0.9) + (0.9 - 0.8) + (0.92 - 0.9)) / 3 = 0.17 / 3
    assertThat(ClMetrics.intransigence(R, joint)).isCloseTo(0.17 / 3, within(1e-12));
  }

  @Test
  void allAtOnceAndSingleTask() {
    ClMetrics m = ClMetrics.of(R, new double[] {0.1, 0.1, 0.1}, new double[] {0.95, 0.9, 0.92});
    assertThat(m.averageAccuracy()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.backwardTransfer()).isCloseTo(-0.3, within(1e-12));
    assertThat(ClMetrics.of(R).forwardTransfer()).isNaN();
    ClMetrics one = ClMetrics.of(new AccuracyMatrix(new double[][] {{0.7}}));
    assertThat(one.averageAccuracy()).isEqualTo(0.7);
    assertThat(one.backwardTransfer()).isZero();
    assertThat(one.forgetting()).isZero();
  }

  @Test
  void rejectsBadInputNamingTheProblem() {
    assertThatThrownBy(() -> new AccuracyMatrix(new double[][] {{0.5, 0.1}}))
        .hasMessageContaining("row 0 has 2 entries, expected 1");
    assertThatThrownBy(() -> new AccuracyMatrix(new double[][] {{1.5}}))
        .hasMessageContaining("r[0][0] must be in [0, 1]");
    assertThatThrownBy(() -> ClMetrics.of(R, new double[] {0.1}, null))
        .hasMessageContaining("initial has 1 accuracies but the matrix has 3 tasks");
  }
}
