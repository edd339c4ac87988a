package io.himoe.router;

/**
 * Hedged calls (Dean and Barroso, "The Tail at Scale", 2013): when a pick of a router has not
 * answered by its observed latency percentile, the same request also goes to the next-best expert
 * not already called that fits the time and cost left; the first good answer (confidence at least
 * the re-route floor) wins for that pick and the other call is cancelled. A hedge that fails while
 * the late call still runs is followed by the next such expert, up to {@code reroute.max} more. A
 * hedge's cost is reserved like any pick and charged as a drop when it loses (a cancelled remote
 * call may still be billed); every call is in the result's outcomes and each hedge in its trace
 * ({@link RouteResult#shrink()}). Each pick of a top-k &gt; 1 router is hedged on its own. Requests
 * that stream or run a cascade are not hedged. Off by default.
 *
 * @param enabled whether calls are hedged
 * @param percentile the percentile of the expert's recent answer latencies after which the hedge
 *     starts, in (0, 100]
 * @param minAnswers answers the expert must have given before its percentile is trusted (no hedge
 *     before), &gt;= 1
 * @param minDelayMs the least wait before a hedge, in ms, &gt;= 0 (so that microsecond experts are
 *     not hedged on noise)
 */
public record Hedge(boolean enabled, double percentile, int minAnswers, long minDelayMs) {

  /** Validates. */
  public Hedge {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("hedge.percentile must be in (0, 100], got " + percentile);
    }
    if (minAnswers < 1) {
      throw new IllegalArgumentException("hedge.min_answers must be >= 1, got " + minAnswers);
    }
    if (minDelayMs < 0) {
      throw new IllegalArgumentException("hedge.min_delay_ms must be >= 0, got " + minDelayMs);
    }
  }

  /**
   * @return no hedging
   */
  public static Hedge off() {
    return new Hedge(false, 95, 20, 1);
  }

  /**
   * @param percentile the percentile after which the hedge starts
   * @return hedging after that percentile, once the expert has answered 20 times, never before 1 ms
   */
  public static Hedge afterPercentile(double percentile) {
    return new Hedge(true, percentile, 20, 1);
  }
}
