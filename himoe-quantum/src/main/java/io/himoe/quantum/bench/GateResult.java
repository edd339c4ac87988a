package io.himoe.quantum.bench;

import java.util.List;

/**
 * One gate's run over a protocol.
 *
 * @param gate the gate's description after the run
 * @param parameters its parameter count after the run
 * @param accuracy R[i][j]: accuracy on task j's test inputs after learning task i (j <= i; exact
 *     selection), fractions
 * @param averageAccuracy mean of the last row
 * @param forgetting mean over j < T-1 of max over i < T-1 of R[i][j] - R[T-1][j]
 * @param events what the learner did, one line each
 * @param selections final accuracy and speed per selection mode
 * @param trainSeconds wall time spent learning
 * @param circuitRuns circuit executions while learning (0 for a classical gate)
 */
public record GateResult(
    String gate,
    int parameters,
    double[][] accuracy,
    double averageAccuracy,
    double forgetting,
    List<String> events,
    List<SelectionResult> selections,
    double trainSeconds,
    long circuitRuns) {

  /**
   * @param r accuracy matrix, lower triangle filled
   * @return mean of the last row
   */
  static double averageAccuracy(double[][] r) {
    double[] last = r[r.length - 1];
    double s = 0;
    for (double v : last) {
      s += v;
    }
    return s / last.length;
  }

  /**
   * @param r accuracy matrix, lower triangle filled
   * @return average forgetting (Chaudhry et al. 2018), 0 for a single task
   */
  static double forgetting(double[][] r) {
    int t = r.length;
    if (t < 2) {
      return 0;
    }
    double sum = 0;
    for (int j = 0; j < t - 1; j++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int i = j; i < t - 1; i++) {
        best = Math.max(best, r[i][j]);
      }
      sum += best - r[t - 1][j];
    }
    return sum / (t - 1);
  }
}
