package io.himoe.eval.outcomes;

import java.util.Map;

/**
 * The choice rule: the model with the highest {@code predictedQuality − costWeight · costPer1k},
 * where {@code costPer1k} is the model's estimated dollars per 1,000 such queries. Ties go to the
 * cheaper model, then to the first name in alphabetical order, so the choice is deterministic.
 */
public final class ModelChoice {

  private ModelChoice() {}

  /**
   * @param predicted predicted quality per model, in [0, 1]
   * @param costPer1k estimated dollars per 1,000 queries per model (same keys)
   * @param costWeight quality given up per dollar per 1,000 queries, at least 0
   * @return the chosen model
   */
  public static String choose(
      Map<String, Double> predicted, Map<String, Double> costPer1k, double costWeight) {
    String best = null;
    double bestU = Double.NEGATIVE_INFINITY;
    double bestC = Double.POSITIVE_INFINITY;
    for (Map.Entry<String, Double> e : predicted.entrySet()) {
      Double c = costPer1k.get(e.getKey());
      if (c == null) {
        throw new IllegalArgumentException("no cost for model '" + e.getKey() + "'");
      }
      double u = e.getValue() - costWeight * c;
      boolean better =
          u > bestU
              || (u == bestU && (c < bestC || (c == bestC && e.getKey().compareTo(best) < 0)));
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
