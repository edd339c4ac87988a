package io.himoe.learning.fit;

import java.util.Arrays;

/**
 * Calibrates a rejection threshold on validation rows: the threshold that maximises accuracy when a
 * row is accepted iff its confidence is at least the threshold, an accepted in-scope row is right
 * when its top label is, and a rejected out-of-scope row is right. Used by {@link RouteFitter} and
 * by any other classifier that routes out-of-scope inputs to a fallback (e.g. the nearest-centroid
 * router of {@code himoe eval}).
 */
public final class RejectionThreshold {

  private RejectionThreshold() {}

  /**
   * @param conf each row's top confidence
   * @param rightIfAccepted whether each row is right when accepted
   * @param oos whether each row is out of scope (right when rejected)
   * @return the threshold: midway between the last rejected and the first accepted confidence; 0
   *     (accept all) when no threshold does better
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public static double calibrate(double[] conf, boolean[] rightIfAccepted, boolean[] oos) {
    int n = conf.length;
    if (rightIfAccepted.length != n || oos.length != n) {
      throw new IllegalArgumentException(
          "threshold calibration: "
              + n
              + " confidences, "
              + rightIfAccepted.length
              + " correctness flags and "
              + oos.length
              + " out-of-scope flags");
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(conf[a], conf[b]));
    int correct = 0;
    for (boolean r : rightIfAccepted) {
      correct += r ? 1 : 0;
    }
    int best = correct;
    double bestT = 0;
    // Raising the threshold past the j-th lowest confidence rejects that row; tied confidences
    // move together.
    for (int j = 0; j < n; j++) {
      int i = order[j];
      correct += (oos[i] ? 1 : 0) - (rightIfAccepted[i] ? 1 : 0);
      boolean lastOfTie = j == n - 1 || conf[order[j + 1]] > conf[i];
      if (lastOfTie && correct > best) {
        best = correct;
        bestT = j == n - 1 ? Math.nextUp(conf[i]) : (conf[i] + conf[order[j + 1]]) / 2;
      }
    }
    return bestT;
  }

  /**
   * The threshold that rejects at least a share of the out-of-scope rows and as few rows as
   * possible besides: just above the confidence of the {@code ceil(target * n_oos)}-th least
   * confident out-of-scope row (midway to the next higher confidence of any row). Unlike {@link
   * #calibrate}, which weighs a wrongly rejected in-scope row against an accepted out-of-scope one,
   * this fixes the out-of-scope recall and so keeps every in-scope row it can.
   *
   * @param conf each row's top confidence
   * @param oos whether each row is out of scope
   * @param target the share of out-of-scope rows to reject, in (0, 1]
   * @return the threshold (a row is accepted iff its confidence is at least it)
   * @throws IllegalArgumentException if the arrays differ in length, the target is out of range or
   *     no row is out of scope
   */
  public static double forOosRecall(double[] conf, boolean[] oos, double target) {
    if (conf.length != oos.length) {
      throw new IllegalArgumentException(
          "threshold calibration: "
              + conf.length
              + " confidences and "
              + oos.length
              + " out-of-scope flags");
    }
    if (!(target > 0 && target <= 1)) {
      throw new IllegalArgumentException(
          "out-of-scope recall target must be in (0, 1], got " + target);
    }
    double[] outOfScope =
        java.util.stream.IntStream.range(0, conf.length)
            .filter(i -> oos[i])
            .mapToDouble(i -> conf[i])
            .sorted()
            .toArray();
    if (outOfScope.length == 0) {
      throw new IllegalArgumentException(
          "an out-of-scope recall target needs out-of-scope validation rows; there are none");
    }
    // The small slack keeps 0.6 * 50 at 30 rows despite floating-point rounding.
    int rejected = (int) Math.ceil(target * outOfScope.length - 1e-9);
    double last = outOfScope[Math.max(0, rejected - 1)];
    double next = Double.POSITIVE_INFINITY;
    for (double c : conf) {
      if (c > last && c < next) {
        next = c;
      }
    }
    return next == Double.POSITIVE_INFINITY ? Math.nextUp(last) : (last + next) / 2;
  }
}
