package io.himoe.learning.costquality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model choice calibrated to a target, as RouteLLM calibrates its threshold: every query goes to
 * the model with the highest {@code predicted quality − costWeight · cost} ({@link ModelChoice}),
 * and the one number {@code costWeight} is chosen on calibration rows (never the test rows) so that
 * the policy is the cheapest reaching a share of the best single model's quality, or the best under
 * a cost ceiling.
 *
 * @param costWeight the chosen weight, quality per unit of cost
 * @param target what was asked
 * @param reached whether some weight met the target on the calibration rows (if not: the closest,
 *     i.e. the best quality, or the cheapest policy)
 * @param quality the policy's mean quality on the calibration rows
 * @param cost its mean cost per calibration query, in the caller's unit (see {@link CostTarget})
 * @param referenceModel the best single model on the calibration rows
 * @param referenceQuality its mean quality there
 */
public record CostQualityPolicy(
    double costWeight,
    CostTarget target,
    boolean reached,
    double quality,
    double cost,
    String referenceModel,
    double referenceQuality) {

  /** The weights tried: 0 and 120 steps from 10^-3 to 10^5, evenly spaced in log scale. */
  static final List<Double> GRID = grid();

  /** Validates. */
  public CostQualityPolicy {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(referenceModel, "referenceModel");
  }

  private static List<Double> grid() {
    List<Double> g = new ArrayList<>();
    g.add(0.0);
    for (int i = 0; i <= 120; i++) {
      g.add(Math.pow(10, -3 + 8.0 * i / 120));
    }
    return List.copyOf(g);
  }

  /**
   * @param predicted per calibration row, the predicted quality of every model
   * @param scores per calibration row, every model's observed quality
   * @param costs per calibration row, every model's cost for that query (in any unit, the same as
   *     the target's)
   * @param target the target
   * @return the calibrated policy
   * @throws IllegalArgumentException with no rows, mismatched lists or a row without a model's
   *     score or cost
   */
  public static CostQualityPolicy calibrate(
      List<Map<String, Double>> predicted,
      List<Map<String, Double>> scores,
      List<Map<String, Double>> costs,
      CostTarget target) {
    int n = predicted.size();
    if (n == 0 || scores.size() != n || costs.size() != n) {
      throw new IllegalArgumentException(
          "calibration needs rows with predictions, scores and costs; got "
              + n
              + ", "
              + scores.size()
              + ", "
              + costs.size());
    }
    String reference = null;
    double referenceQ = Double.NEGATIVE_INFINITY;
    for (String m : new java.util.TreeSet<>(scores.getFirst().keySet())) {
      double q = 0;
      for (Map<String, Double> s : scores) {
        q += valueOf(s, m, "score") / n;
      }
      if (q > referenceQ) {
        referenceQ = q;
        reference = m;
      }
    }
    if (reference == null) {
      throw new IllegalArgumentException("calibration rows score no model");
    }
    double[] quality = new double[GRID.size()];
    double[] cost = new double[GRID.size()];
    for (int k = 0; k < GRID.size(); k++) {
      for (int i = 0; i < n; i++) {
        String m = ModelChoice.choose(predicted.get(i), costs.get(i), GRID.get(k));
        quality[k] += valueOf(scores.get(i), m, "score") / n;
        cost[k] += valueOf(costs.get(i), m, "cost") / n;
      }
    }
    int best = -1;
    boolean reached = false;
    switch (target) {
      case CostTarget.Quality q -> {
        double need = q.share() * referenceQ;
        for (int k = 0; k < GRID.size(); k++) {
          if (quality[k] >= need
              && (best < 0 || better(cost[k], -quality[k], cost[best], -quality[best]))) {
            best = k;
          }
        }
        reached = best >= 0;
        if (!reached) {
          best = argBest(quality, cost, true);
        }
      }
      case CostTarget.MaxCost c -> {
        for (int k = 0; k < GRID.size(); k++) {
          if (cost[k] <= c.cost()
              && (best < 0 || better(-quality[k], cost[k], -quality[best], cost[best]))) {
            best = k;
          }
        }
        reached = best >= 0;
        if (!reached) {
          best = argBest(quality, cost, false);
        }
      }
    }
    return new CostQualityPolicy(
        GRID.get(best), target, reached, quality[best], cost[best], reference, referenceQ);
  }

  /** A model's value in one calibration row; a row that lacks it is the caller's mistake. */
  private static double valueOf(Map<String, Double> row, String model, String what) {
    Double v = row.get(model);
    if (v == null) {
      throw new IllegalArgumentException(
          "a calibration row has no " + what + " for '" + model + "'");
    }
    return v;
  }

  /** Lexicographic: first key lower, then second key lower. */
  private static boolean better(double a1, double a2, double b1, double b2) {
    return a1 < b1 || (a1 == b1 && a2 < b2);
  }

  /** The best quality (then the cheapest), or the cheapest (then the best quality). */
  private static int argBest(double[] quality, double[] cost, boolean byQuality) {
    int best = 0;
    for (int k = 1; k < quality.length; k++) {
      boolean b =
          byQuality
              ? better(-quality[k], cost[k], -quality[best], cost[best])
              : better(cost[k], -quality[k], cost[best], -quality[best]);
      if (b) {
        best = k;
      }
    }
    return best;
  }

  /**
   * @param predicted the predicted quality of every model for one query
   * @param costs every model's cost for that query
   * @return the model this policy sends the query to
   */
  public String choose(Map<String, Double> predicted, Map<String, Double> costs) {
    return ModelChoice.choose(predicted, costs, costWeight);
  }
}
