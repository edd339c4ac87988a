package io.himoe.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertStats;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hedged calls of {@link RouteLoop} (see {@link Hedge}): each pick that is late is hedged with
 * the next-best expert that fits and is not already called, and the trace says what happened.
 */
final class Hedging {

  private Hedging() {}

  /**
   * How long each pick runs alone before its hedge, in ms (its recent latency percentile, at least
   * the hedge's minimum delay); -1 for a pick that is not hedged (too few answers observed, or no
   * time left for a hedge). Empty when the call is not hedged at all: hedging off, or a streaming
   * request.
   */
  static long[] afterMs(Router router, BudgetedPicks picks, Context ctx) {
    Hedge h = router.config().hedge();
    if (!h.enabled() || ctx.streaming()) {
      return new long[0];
    }
    List<ExpertStats> stats = RouteLoop.statsOf(router.experts(), picks.picked());
    long[] after = new long[stats.size()];
    long remaining = ctx.remainingMs();
    boolean any = false;
    for (int i = 0; i < after.length; i++) {
      double p = stats.get(i).recentLatencyPercentileMs(h.percentile(), h.minAnswers());
      long a = Double.isNaN(p) ? -1 : Math.max(h.minDelayMs(), (long) Math.ceil(p));
      after[i] = a < remaining ? a : -1;
      any |= after[i] >= 0;
    }
    return any ? after : new long[0];
  }

  /**
   * The picks, each hedged with the next-best expert that fits when it is late.
   *
   * @param hedges receives the reservation of each hedge started, in start order
   * @param hedgedPicks receives the index of the pick each hedge started for, in start order
   */
  static List<ExpertOutcome> call(
      Router router,
      GateScores weights,
      BudgetedPicks picks,
      InputData input,
      Context ctx,
      long[] afterMs,
      List<BudgetedPicks> hedges,
      List<Integer> hedgedPicks) {
    Set<ExpertId> tried = new HashSet<>();
    picks.picked().forEach(r -> tried.add(r.id()));
    picks.skipped().forEach(o -> tried.add(o.expert().id()));
    List<ExpertStats> stats = RouteLoop.statsOf(router.experts(), picks.picked());
    List<HedgedCalls.Pick> calls = new ArrayList<>(stats.size());
    for (int i = 0; i < stats.size(); i++) {
      calls.add(
          new HedgedCalls.Pick(
              picks.picked().get(i), stats.get(i), afterMs[i] < 0 ? -1 : afterMs[i] * 1_000_000L));
    }
    return HedgedCalls.call(
        calls,
        input,
        ctx,
        router.config().reroute().confidenceFloor(),
        // A hedge that fails while the late call runs is re-routed, up to reroute.max times.
        1 + router.config().reroute().max(),
        pick -> {
          // The next-best expert by gate weight not already called (by this request's picks or an
          // earlier hedge) that fits the time and cost left; its cost is reserved now.
          Optional<BudgetedPicks> next = BudgetedPicks.next(router, weights, tried, input, ctx);
          next.ifPresent(hedges::add);
          return next.map(
              n -> {
                ExpertRef ref = n.picked().getFirst();
                tried.add(ref.id());
                router.onRouted(List.of(ref));
                return new ExpertCalls.HedgePick(
                    ref, RouteLoop.statsOf(router.experts(), List.of(ref)).getFirst());
              });
        },
        hedgedPicks);
  }

  /**
   * What the hedges did, for the trace (each hedge: the late pick, its delay, the hedge, and what
   * came of it); empty when none was started.
   *
   * @param called the picks' outcomes, then the hedges'
   * @param picks how many picks there were
   * @param afterMs each pick's delay before its hedge
   * @param hedgedPicks the pick each hedge started for
   * @param h the hedge settings
   */
  static String trace(
      List<ExpertOutcome> called, int picks, long[] afterMs, List<Integer> hedgedPicks, Hedge h) {
    if (hedgedPicks.isEmpty()) {
      return "";
    }
    String pct =
        h.percentile() == Math.rint(h.percentile())
            ? String.valueOf((long) h.percentile())
            : String.valueOf(h.percentile());
    StringBuilder out = new StringBuilder();
    for (int j = 0; j < hedgedPicks.size() && picks + j < called.size(); j++) {
      int i = hedgedPicks.get(j);
      ExpertOutcome first = called.get(i);
      ExpertOutcome second = called.get(picks + j);
      String result =
          switch (second) {
            case ExpertOutcome.Answered a ->
                lost(first)
                    ? second.expert().name() + " answered first"
                    : second.expert().name() + " answered too";
            case ExpertOutcome.Failed f -> second.expert().name() + " failed";
            case ExpertOutcome.Dropped d ->
                lost(second)
                    ? d.reason().substring("hedge: ".length())
                    : second.expert().name() + " dropped (" + d.reason() + ")";
            case ExpertOutcome.Skipped sk -> second.expert().name() + " skipped";
          };
      if (!out.isEmpty()) {
        out.append("; ");
      }
      out.append("hedge: ")
          .append(first.expert().name())
          .append(" had not answered after ")
          .append(afterMs[i])
          .append(" ms (its p")
          .append(pct)
          .append(") -> ")
          .append(second.expert().name())
          .append("; ")
          .append(result);
    }
    return out.toString();
  }

  private static boolean lost(ExpertOutcome o) {
    return o instanceof ExpertOutcome.Dropped d && d.reason().startsWith("hedge:");
  }
}
