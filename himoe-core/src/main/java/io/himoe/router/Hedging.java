package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertStats;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.List;

/**
 * The hedged call of {@link RouteLoop} (see {@link Hedge}): when the single pick is late, the
 * next-best expert that fits is called too, and the trace says what happened.
 */
final class Hedging {

  private Hedging() {}

  /**
   * How long the single picked expert runs alone before a hedge, in ms (its recent latency
   * percentile, at least the hedge's minimum delay); -1 when the call is not hedged: hedging off,
   * several picks, a streaming request, too few answers observed, or no time left for a hedge.
   */
  static long afterMs(Router router, BudgetedPicks picks, Context ctx) {
    Hedge h = router.config().hedge();
    if (!h.enabled() || picks.picked().size() != 1 || ctx.streaming()) {
      return -1;
    }
    ExpertStats st = RouteLoop.statsOf(router.experts(), picks.picked()).getFirst();
    double p = st.recentLatencyPercentileMs(h.percentile(), h.minAnswers());
    if (Double.isNaN(p)) {
      return -1;
    }
    long after = Math.max(h.minDelayMs(), (long) Math.ceil(p));
    return after < ctx.remainingMs() ? after : -1;
  }

  /** The single pick, hedged with the next-best expert that fits when it is late. */
  static List<ExpertOutcome> call(
      Router router,
      GateScores weights,
      BudgetedPicks picks,
      InputData input,
      Context ctx,
      long afterMs,
      List<BudgetedPicks> hedges) {
    ExpertRef first = picks.picked().getFirst();
    java.util.Set<io.himoe.experts.ExpertId> tried = new java.util.HashSet<>();
    tried.add(first.id());
    picks.skipped().forEach(o -> tried.add(o.expert().id()));
    return ExpertCalls.hedged(
        RouteLoop.statsOf(router.experts(), List.of(first)).getFirst(),
        first,
        input,
        ctx,
        afterMs * 1_000_000L,
        router.config().reroute().confidenceFloor(),
        () -> {
          var next = BudgetedPicks.next(router, weights, tried, input, ctx);
          next.ifPresent(hedges::add);
          return next.map(
              n -> {
                ExpertRef ref = n.picked().getFirst();
                router.onRouted(List.of(ref));
                return new ExpertCalls.HedgePick(
                    ref, RouteLoop.statsOf(router.experts(), List.of(ref)).getFirst());
              });
        });
  }

  /** What the hedge did, for the trace; empty when the call was not hedged. */
  static String trace(List<ExpertOutcome> called, long afterMs, Hedge h) {
    if (afterMs < 0 || called.size() < 2) {
      return "";
    }
    ExpertOutcome first = called.getFirst();
    ExpertOutcome second = called.get(1);
    String result =
        lost(second)
            ? first.expert().name() + " answered first"
            : lost(first) ? second.expert().name() + " answered first" : "no good answer first";
    String pct =
        h.percentile() == Math.rint(h.percentile())
            ? String.valueOf((long) h.percentile())
            : String.valueOf(h.percentile());
    return "hedge: "
        + first.expert().name()
        + " had not answered after "
        + afterMs
        + " ms (its p"
        + pct
        + ") -> "
        + second.expert().name()
        + "; "
        + result;
  }

  private static boolean lost(ExpertOutcome o) {
    return o instanceof ExpertOutcome.Dropped d && d.reason().startsWith("hedge:");
  }
}
