package io.himoe.engine;

import io.himoe.experts.Generation;
import java.util.Objects;
import java.util.Optional;

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
 * @param generation for an answering generative expert: its token usage, finish reason, model and
 *     the messages its context budget dropped; empty otherwise
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
    String detail,
    Optional<Generation> generation) {

  /** Validates. */
  public ExpertTrace {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(generation, "generation");
  }

  /**
   * A trace without a generation report (not called, failed, or an expert that does not generate).
   *
   * @param name the expert's name
   * @param id its id (hex)
   * @param score its raw gate score
   * @param weight its weight after the policy
   * @param status what happened to it
   * @param latencyMs its latency in ms
   * @param costUnits its cost in cost units
   * @param confidence its confidence
   * @param detail the error or drop reason, or empty
   */
  public ExpertTrace(
      String name,
      String id,
      double score,
      double weight,
      ExpertStatus status,
      long latencyMs,
      double costUnits,
      double confidence,
      String detail) {
    this(
        name,
        id,
        score,
        weight,
        status,
        latencyMs,
        costUnits,
        confidence,
        detail,
        Optional.empty());
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
