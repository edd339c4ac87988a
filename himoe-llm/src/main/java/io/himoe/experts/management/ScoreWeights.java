package io.himoe.experts.management;

/**
 * How {@link ExpertManager} ranks experts, after seed 002's {@code evaluate_experts}: {@code score
 * = success * successRate + load * (1 - load/maxLoad) + latency * min(maxLatencyTerm,
 * referenceLatencyMs / meanLatencyMs)}. With the defaults this is exactly the seed's formula (0.5,
 * 0.3, 0.2, latency in seconds inverted), with the latency term capped so that a near-zero latency
 * cannot dominate.
 *
 * @param success weight of the success rate, >= 0
 * @param load weight of the free capacity, >= 0
 * @param latency weight of the speed term, >= 0
 * @param referenceLatencyMs the latency whose speed term is 1, in ms, > 0 (1000 in the seed)
 * @param maxLatencyTerm the cap of the speed term, > 0
 */
public record ScoreWeights(
    double success, double load, double latency, double referenceLatencyMs, double maxLatencyTerm) {

  /** Validates. */
  public ScoreWeights {
    if (!(success >= 0) || !(load >= 0) || !(latency >= 0) || success + load + latency <= 0) {
      throw new IllegalArgumentException(
          "score weights must be >= 0 with a positive sum, got success="
              + success
              + " load="
              + load
              + " latency="
              + latency);
    }
    if (!(referenceLatencyMs > 0) || !(maxLatencyTerm > 0)) {
      throw new IllegalArgumentException(
          "referenceLatencyMs and maxLatencyTerm must be > 0, got "
              + referenceLatencyMs
              + " and "
              + maxLatencyTerm);
    }
  }

  /**
   * @return the seed's weights: 0.5 success, 0.3 free capacity, 0.2 speed (1 s = 1), speed capped
   *     at 5
   */
  public static ScoreWeights ofDefaults() {
    return new ScoreWeights(0.5, 0.3, 0.2, 1000, 5);
  }

  /**
   * @param successRate share of calls answered, in [0, 1]
   * @param loadFraction calls in flight over capacity, >= 0
   * @param meanLatencyMs mean latency of recent answers in ms, or NaN before the first
   * @return the score (higher is better)
   */
  public double score(double successRate, double loadFraction, double meanLatencyMs) {
    double speed =
        Double.isNaN(meanLatencyMs)
            ? 1.0
            : Math.min(maxLatencyTerm, referenceLatencyMs / Math.max(1.0, meanLatencyMs));
    return success * successRate + load * (1 - Math.min(1, loadFraction)) + latency * speed;
  }
}
