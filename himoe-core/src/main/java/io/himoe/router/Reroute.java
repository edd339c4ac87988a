package io.himoe.router;

/**
 * When a router re-routes a request (seed 000: "re-router si SLA menacé"): after its picked experts
 * were called, if none gave an answer with at least {@code confidenceFloor} (each failed, was
 * dropped, or answered below the floor), the next-best expert by gate weight that still fits the
 * remaining deadline and cost budget is called, up to {@code max} times. Each re-route and its
 * reason are in the result's trace ({@link RouteResult#shrink()}).
 *
 * @param max re-routes per request, &gt;= 0 (0 turns re-routing off)
 * @param confidenceFloor an answer below this confidence, in [0, 1], counts as no answer
 */
public record Reroute(int max, double confidenceFloor) {

  /** Validates. */
  public Reroute {
    if (max < 0) {
      throw new IllegalArgumentException("reroute.max must be >= 0, got " + max);
    }
    if (!(confidenceFloor >= 0 && confidenceFloor <= 1)) {
      throw new IllegalArgumentException(
          "reroute.confidence_floor must be in [0, 1], got " + confidenceFloor);
    }
  }

  /**
   * @return up to 2 re-routes; an answer with confidence under 0.05 (an expert saying "no result")
   *     counts as none
   */
  public static Reroute ofDefaults() {
    return new Reroute(2, 0.05);
  }

  /**
   * @return no re-route
   */
  public static Reroute off() {
    return new Reroute(0, 0);
  }
}
