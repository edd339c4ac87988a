package io.himoe.engine;

import java.util.Objects;

/**
 * One candidate expert in a stage's decision.
 *
 * @param name the expert's name
 * @param id its id (hex)
 * @param score its raw gate score
 * @param weight its weight after the policy
 * @param status what happened to it
 * @param latencyMs its latency when called, else 0
 * @param costUnits its cost when it answered, else 0
 * @param confidence its confidence when it answered, else 0
 * @param detail the error or drop reason, or empty
 */
public record ExpertTrace(
    String name,
    String id,
    double score,
    double weight,
    ExpertStatus status,
    long latencyMs,
    double costUnits,
    double confidence,
    String detail) {

  /** Validates. */
  public ExpertTrace {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * A candidate the gate scored but nobody called.
   *
   * @param name the expert's name
   * @param id its id (hex)
   * @param score its raw gate score
   * @param weight its weight after the policy
   * @param status {@link ExpertStatus#NOT_PICKED}, {@link ExpertStatus#WOULD_CALL} or {@link
   *     ExpertStatus#WOULD_DROP}
   * @param detail why, or empty
   * @return the trace, with latency, cost and confidence 0
   */
  static ExpertTrace uncalled(
      String name, String id, double score, double weight, ExpertStatus status, String detail) {
    return new ExpertTrace(name, id, score, weight, status, 0, 0, 0, detail);
  }
}
