package io.himoe.experts;

/**
 * What an expert reports beside its answer.
 *
 * @param latencyMs wall time of the call in ms (the router overwrites it with what it measured)
 * @param costUnits cost of the call in cost units (e.g. dollars, or tokens times price)
 * @param confidence the expert's confidence in its answer, in [0, 1]
 * @param traceId the request's trace id (the router fills it in)
 */
public record ExpertAux(long latencyMs, double costUnits, double confidence, String traceId) {
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
    return new ExpertAux(ms, costUnits, confidence, trace);
  }
}
