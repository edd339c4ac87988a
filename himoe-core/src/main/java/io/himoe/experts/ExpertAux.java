package io.himoe.experts;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an expert reports beside its answer.
 *
 * @param latencyMs wall time of the call in ms (the router overwrites it with what it measured)
 * @param costUnits cost of the call in cost units (e.g. dollars, or tokens times price)
 * @param confidence the expert's confidence in its answer, in [0, 1]
 * @param traceId the request's trace id (the router fills it in)
 * @param generation for generating experts: token usage, finish reason, model; empty otherwise
 */
public record ExpertAux(
    long latencyMs,
    double costUnits,
    double confidence,
    @Nullable String traceId,
    Optional<Generation> generation) {
  /** Validates. */
  public ExpertAux {
    if (latencyMs < 0) {
      throw new IllegalArgumentException("latencyMs must be >= 0, got " + latencyMs);
    }
    if (!(costUnits >= 0) || Double.isInfinite(costUnits)) {
      throw new IllegalArgumentException("costUnits must be finite and >= 0, got " + costUnits);
    }
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
    }
    Objects.requireNonNull(generation, "generation");
  }

  /**
   * Aux data of an expert that does not generate (no token usage to report).
   *
   * @param latencyMs wall time in ms
   * @param costUnits cost in cost units
   * @param confidence confidence in [0, 1]
   * @param traceId the trace id, or null for the router to fill in
   */
  public ExpertAux(long latencyMs, double costUnits, double confidence, @Nullable String traceId) {
    this(latencyMs, costUnits, confidence, traceId, Optional.empty());
  }

  /**
   * @param costUnits cost of the call
   * @param confidence confidence in [0, 1]
   * @return aux data whose latency and trace id the router will fill in
   */
  public static ExpertAux of(double costUnits, double confidence) {
    return new ExpertAux(0, costUnits, confidence, null);
  }

  /**
   * @param ms the measured latency
   * @param trace the trace id
   * @return a copy with those values
   */
  public ExpertAux measured(long ms, String trace) {
    return new ExpertAux(ms, costUnits, confidence, trace, generation);
  }

  /**
   * @param g what the generation reported
   * @return a copy carrying it
   */
  public ExpertAux withGeneration(Generation g) {
    return new ExpertAux(latencyMs, costUnits, confidence, traceId, Optional.of(g));
  }

  /**
   * @param units the cost
   * @return a copy with that cost (e.g. plus a per-call charge)
   */
  public ExpertAux withCost(double units) {
    return new ExpertAux(latencyMs, units, confidence, traceId, generation);
  }
}
