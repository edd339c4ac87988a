package io.himoe.learning.bandit;

/**
 * How a bandit's reward combines an answer's quality, latency and cost: {@code reward = quality·q -
 * latencyMs/latencyScaleMs·l - cost/costScale·c}.
 *
 * @param quality weight q of the quality (typically in [0, 1]), &gt;= 0
 * @param latency weight l of the latency, &gt;= 0
 * @param cost weight c of the cost, &gt;= 0
 * @param latencyScaleMs latency that counts as one unit, &gt; 0 (ms)
 * @param costScale cost that counts as one unit, &gt; 0 (cost units)
 */
public record RewardWeights(
    double quality, double latency, double cost, double latencyScaleMs, double costScale) {

  /** Validates. */
  public RewardWeights {
    check("quality", quality, false);
    check("latency", latency, false);
    check("cost", cost, false);
    check("latency scale", latencyScaleMs, true);
    check("cost scale", costScale, true);
  }

  private static void check(String name, double v, boolean strict) {
    if (!Double.isFinite(v) || v < 0 || (strict && v == 0)) {
      throw new IllegalArgumentException(
          "reward weight "
              + name
              + " must be "
              + (strict ? "> 0" : ">= 0")
              + " and finite, got "
              + v);
    }
  }

  /**
   * @return quality only (latency and cost weigh 0), scales 1000 ms and 1 cost unit
   */
  public static RewardWeights qualityOnly() {
    return new RewardWeights(1, 0, 0, 1000, 1);
  }

  /**
   * @return quality 1, latency 0.1 per second, cost 0.1 per cost unit
   */
  public static RewardWeights ofDefaults() {
    return new RewardWeights(1, 0.1, 0.1, 1000, 1);
  }

  /**
   * @param q quality of the answer
   * @param latencyMs its latency (ms)
   * @param costUnits its cost
   * @return the combined reward
   */
  public double reward(double q, double latencyMs, double costUnits) {
    return quality * q - latency * latencyMs / latencyScaleMs - cost * costUnits / costScale;
  }
}
