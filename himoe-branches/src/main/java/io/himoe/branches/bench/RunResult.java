package io.himoe.branches.bench;

import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.metrics.AccuracyMatrix;
import io.himoe.branches.metrics.ClMetrics;
import java.util.List;

/**
 * What one run measured.
 *
 * @param protocol protocol name
 * @param scenario scenario
 * @param method method
 * @param matrix accuracy matrix R
 * @param initial accuracy per task before training (for FWT)
 * @param metrics ACC, BWT, FWT, forgetting, intransigence (NaN without a joint reference)
 * @param paramsRatio floats kept at the end (weights, and the protection's anchors and importances)
 *     over one plain network's weights
 * @param weightsRatio the network's weights alone at the end over one plain network's weights
 * @param computeRatio branch forward passes per test input in the final evaluation (1 for one
 *     network)
 * @param spawns branches spawned
 * @param merges merges
 * @param collections garbage collections
 * @param usage per task (rows), share of its test inputs routed to each branch slot at the end
 * @param events the learner's events with their reasons
 * @param seconds wall time of the run
 */
public record RunResult(
    String protocol,
    Scenario scenario,
    Method method,
    AccuracyMatrix matrix,
    double[] initial,
    ClMetrics metrics,
    double paramsRatio,
    double weightsRatio,
    double computeRatio,
    int spawns,
    int merges,
    int collections,
    double[][] usage,
    List<BranchEvent> events,
    double seconds) {

  /**
   * @param joint {@code a*_j}: accuracy on task j of a model trained jointly on tasks 0..j
   * @return a copy whose metrics include intransigence against that reference
   */
  public RunResult withJointReference(double[] joint) {
    return new RunResult(
        protocol,
        scenario,
        method,
        matrix,
        initial,
        ClMetrics.of(matrix, initial, joint),
        paramsRatio,
        weightsRatio,
        computeRatio,
        spawns,
        merges,
        collections,
        usage,
        events,
        seconds);
  }

  /**
   * @return {@code R[j][j]} per task: the accuracy on each task right after learning it
   */
  public double[] diagonal() {
    double[] d = new double[matrix.tasks()];
    for (int j = 0; j < d.length; j++) {
      d[j] = matrix.at(j, j);
    }
    return d;
  }
}
