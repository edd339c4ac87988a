package io.himoe.branches.metrics;

import org.jspecify.annotations.Nullable;

/**
 * Continual-learning metrics computed from an {@link AccuracyMatrix}. All values are fractions
 * (multiply by 100 for points).
 *
 * <ul>
 *   <li>average accuracy (GEM, Lopez-Paz and Ranzato 2017): {@code ACC = 1/T Σ_j R[T-1][j]};
 *   <li>backward transfer (GEM): {@code BWT = 1/(T-1) Σ_{j<T-1} (R[T-1][j] - R[j][j])}, negative
 *       when learning later tasks hurt earlier ones;
 *   <li>forward transfer (GEM): {@code FWT = 1/(T-1) Σ_{j>0} (R[j-1][j] - b[j])} where {@code b[j]}
 *       is the accuracy on task j of the model before any training;
 *   <li>forgetting (Chaudhry et al. 2018): {@code f_j = max_{l<T-1} R[l][j] - R[T-1][j]}, averaged
 *       over {@code j < T-1};
 *   <li>intransigence (Chaudhry et al. 2018): {@code I_j = a*_j - R[j][j]} where {@code a*_j} is
 *       the accuracy on task j of a reference model trained jointly on tasks {@code 0..j}, averaged
 *       over all tasks.
 * </ul>
 *
 * @param averageAccuracy ACC in [0, 1]
 * @param backwardTransfer BWT in [-1, 1]; 0 for a single task
 * @param forwardTransfer FWT in [-1, 1]; NaN when no baseline accuracies were given
 * @param forgetting average forgetting in [0, 1]; 0 for a single task
 * @param intransigence average intransigence in [-1, 1]; NaN when no joint reference was given
 */
public record ClMetrics(
    double averageAccuracy,
    double backwardTransfer,
    double forwardTransfer,
    double forgetting,
    double intransigence) {

  /**
   * Computes ACC, BWT and forgetting; FWT and intransigence are NaN.
   *
   * @param m the accuracy matrix
   * @return the metrics
   */
  public static ClMetrics of(AccuracyMatrix m) {
    return of(m, null, null);
  }

  /**
   * Computes every metric.
   *
   * @param m the accuracy matrix
   * @param initial accuracy on each task before any training ({@code b} in GEM), or null
   * @param joint accuracy on task j of a model trained jointly on tasks {@code 0..j}, or null
   * @return the metrics
   * @throws IllegalArgumentException if a vector's length is not the number of tasks
   */
  public static ClMetrics of(
      AccuracyMatrix m, double @Nullable [] initial, double @Nullable [] joint) {
    int t = m.tasks();
    check("initial", initial, t);
    check("joint", joint, t);
    return new ClMetrics(
        averageAccuracy(m),
        backwardTransfer(m),
        initial == null ? Double.NaN : forwardTransfer(m, initial),
        forgetting(m),
        joint == null ? Double.NaN : intransigence(m, joint));
  }

  /**
   * @param m the accuracy matrix
   * @return ACC: the mean of the last row
   */
  public static double averageAccuracy(AccuracyMatrix m) {
    int t = m.tasks();
    double s = 0;
    for (int j = 0; j < t; j++) {
      s += m.at(t - 1, j);
    }
    return s / t;
  }

  /**
   * @param m the accuracy matrix
   * @return BWT (GEM); 0 for one task
   */
  public static double backwardTransfer(AccuracyMatrix m) {
    int t = m.tasks();
    if (t < 2) {
      return 0;
    }
    double s = 0;
    for (int j = 0; j < t - 1; j++) {
      s += m.at(t - 1, j) - m.at(j, j);
    }
    return s / (t - 1);
  }

  /**
   * @param m the accuracy matrix
   * @param initial accuracy per task before any training
   * @return FWT (GEM); 0 for one task
   */
  public static double forwardTransfer(AccuracyMatrix m, double[] initial) {
    int t = m.tasks();
    check("initial", initial, t);
    if (t < 2) {
      return 0;
    }
    double s = 0;
    for (int j = 1; j < t; j++) {
      s += m.at(j - 1, j) - initial[j];
    }
    return s / (t - 1);
  }

  /**
   * @param m the accuracy matrix
   * @return average forgetting (Chaudhry) over the first T-1 tasks; 0 for one task
   */
  public static double forgetting(AccuracyMatrix m) {
    int t = m.tasks();
    if (t < 2) {
      return 0;
    }
    double s = 0;
    for (int j = 0; j < t - 1; j++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int l = 0; l < t - 1; l++) {
        best = Math.max(best, m.at(l, j));
      }
      s += best - m.at(t - 1, j);
    }
    return s / (t - 1);
  }

  /**
   * @param m the accuracy matrix
   * @param joint accuracy on task j of a model trained jointly on tasks 0..j
   * @return average intransigence (Chaudhry) over all tasks
   */
  public static double intransigence(AccuracyMatrix m, double[] joint) {
    int t = m.tasks();
    check("joint", joint, t);
    double s = 0;
    for (int j = 0; j < t; j++) {
      s += joint[j] - m.at(j, j);
    }
    return s / t;
  }

  private static void check(String name, double @Nullable [] v, int t) {
    if (v != null && v.length != t) {
      throw new IllegalArgumentException(
          name + " has " + v.length + " accuracies but the matrix has " + t + " tasks");
    }
  }
}
