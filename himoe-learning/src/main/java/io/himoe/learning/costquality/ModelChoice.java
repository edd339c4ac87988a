package io.himoe.learning.costquality;

import java.util.Map;

/**
 * The choice rule: the model with the highest {@code predictedQuality − costWeight · cost}, where
 * {@code cost} is the model's estimated cost for the query (dollars per 1,000 such queries in
 * {@code himoe eval outcomes}, cost units per request in the server). Ties go to the cheaper model,
 * then to the first name in alphabetical order, so the choice is deterministic.
 */
public final class ModelChoice {

  private ModelChoice() {}

  /**
   * @param predicted predicted quality per model, in [0, 1]
   * @param costs estimated cost per model (same keys)
   * @param costWeight quality given up per unit of cost, at least 0
   * @return the chosen model
   */
  public static String choose(
      Map<String, Double> predicted, Map<String, Double> costs, double costWeight) {
    String best = null;
    double bestU = Double.NEGATIVE_INFINITY;
    double bestC = Double.POSITIVE_INFINITY;
    for (Map.Entry<String, Double> e : predicted.entrySet()) {
      Double c = costs.get(e.getKey());
      if (c == null) {
        throw new IllegalArgumentException("no cost for model '" + e.getKey() + "'");
      }
      double u = e.getValue() - costWeight * c;
      // best is null only while bestU is still -infinity: a first model at -infinity takes it.
      boolean better =
          u > bestU
              || (u == bestU
                  && (c < bestC
                      || (c == bestC && (best == null || e.getKey().compareTo(best) < 0))));
      if (better) {
        best = e.getKey();
        bestU = u;
        bestC = c;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no model to choose from");
    }
    return best;
  }
}
