package io.himoe.router.aggregation;

import java.util.Map;

/**
 * Telemetry of one mixture (seed 001 {@code MixMeta}), carried with every aggregated answer.
 *
 * @param entropy entropy (nats) of the gate's weights over all candidates
 * @param topK how many experts were called
 * @param latencyTotalMs wall time of the expert-call stage
 * @param dropCount experts cancelled at the deadline or skipped for the budget
 * @param utilByExpert expert name to its share of this request's routing (the called experts'
 *     weights renormalised over them); feeds load balancing
 * @param disagreement in [0, 1]: 0 when all answering experts agree, towards 1 when they all differ
 *     (weight share outside the largest agreeing group); an uncertainty signal
 * @param costTotal cost units spent by the answering experts
 * @param confidence weighted mean confidence of the answering experts
 */
public record MixMeta(
    double entropy,
    int topK,
    long latencyTotalMs,
    int dropCount,
    Map<String, Double> utilByExpert,
    double disagreement,
    double costTotal,
    double confidence) {

  /** Nothing mixed: a stage that failed before any answer. */
  public static final MixMeta EMPTY = new MixMeta(0, 0, 0, 0, Map.of(), 0, 0, 0);

  /** Copies the map. */
  public MixMeta {
    utilByExpert = Map.copyOf(utilByExpert);
  }

  /**
   * @param disagreement the aggregator's disagreement measure
   * @param confidence the aggregator's confidence
   * @return metadata holding only what an aggregator knows; the router fills in the rest
   */
  public static MixMeta ofAggregate(double disagreement, double confidence) {
    return new MixMeta(0, 0, 0, 0, Map.of(), disagreement, 0, confidence);
  }
}
