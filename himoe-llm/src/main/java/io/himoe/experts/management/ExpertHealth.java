package io.himoe.experts.management;

/**
 * A snapshot of one managed expert's health, over its recent calls.
 *
 * @param name the expert's name
 * @param calls calls observed since registration
 * @param successRate share of the recent calls that answered, in [0, 1] (1 before any call)
 * @param meanLatencyMs mean latency of the recent calls in ms (NaN before any)
 * @param p50LatencyMs median latency in ms (NaN before any call)
 * @param p95LatencyMs 95th percentile latency in ms (NaN before any call)
 * @param p99LatencyMs 99th percentile latency in ms (NaN before any call)
 * @param inFlight calls running now
 * @param capacity calls it is meant to carry at once
 * @param instances instances in use (1 for an expert that is not {@link Scalable})
 * @param score its ranking score ({@link ScoreWeights})
 * @param flagged whether it was flagged as under-performing
 */
public record ExpertHealth(
    String name,
    long calls,
    double successRate,
    double meanLatencyMs,
    double p50LatencyMs,
    double p95LatencyMs,
    double p99LatencyMs,
    int inFlight,
    int capacity,
    int instances,
    double score,
    boolean flagged) {

  /**
   * @return calls in flight over capacity
   */
  public double loadFraction() {
    return capacity == 0 ? 0 : (double) inFlight / capacity;
  }
}
