package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.router.aggregation.CallMode;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.List;

/** Seed 000's re-route for {@link RouteLoop}: the next-best experts while no answer is usable. */
final class Rerouting {

  private Rerouting() {}

  /**
   * Seed 000's re-route: while no call gave a usable answer (each failed, was dropped or answered
   * below the confidence floor), the next-best expert by weight that fits the time and budget left
   * is called, up to {@link Reroute#max()} times. Re-routed calls do not stream (their answer
   * arrives whole).
   *
   * @return what was re-routed and why, for the trace; empty when nothing was
   */
  static String run(
      Router router,
      GateScores weights,
      BudgetedPicks picks,
      InputData input,
      Context ctx,
      List<ExpertOutcome> called,
      List<ExpertRef> pickedAll) {
    RouterConfig cfg = router.config();
    Reroute rr = cfg.reroute();
    if (rr.max() == 0 || !(cfg.aggregator().callMode() instanceof CallMode.Parallel)) {
      return "";
    }
    java.util.Set<io.himoe.experts.ExpertId> tried = new java.util.HashSet<>();
    pickedAll.forEach(r -> tried.add(r.id()));
    picks.skipped().forEach(o -> tried.add(o.expert().id()));
    StringBuilder trace = new StringBuilder();
    List<ExpertOutcome> last = List.copyOf(called);
    for (int n = 1; n <= rr.max() && !hasUsable(called, rr.confidenceFloor()); n++) {
      if (ctx.isExpired() || ctx.cancel().isCancelled()) {
        break;
      }
      var next = BudgetedPicks.next(router, weights, tried, input, ctx);
      if (next.isEmpty()) {
        trace.append(trace.isEmpty() ? "" : "; ").append("re-route: no other expert fits");
        break;
      }
      ExpertRef ref = next.get().picked().getFirst();
      tried.add(ref.id());
      router.onRouted(List.of(ref));
      List<ExpertOutcome> more;
      try {
        more = RouteLoop.callParallel(router, List.of(ref), input, ctx.withoutTokens());
        next.get().settleWith(more);
      } finally {
        next.get().settleUnsettled();
      }
      trace
          .append(trace.isEmpty() ? "" : "; ")
          .append("re-route ")
          .append(n)
          .append(": ")
          .append(why(last, rr.confidenceFloor()))
          .append(" -> ")
          .append(ref.name());
      called.addAll(more);
      pickedAll.add(ref);
      last = more;
    }
    return trace.toString();
  }

  /** The answers at or above the floor; all answers when none reaches it. */
  static List<ExpertOutcome.Answered> usable(List<ExpertOutcome> called, double floor) {
    List<ExpertOutcome.Answered> all = new ArrayList<>(called.size());
    List<ExpertOutcome.Answered> good = new ArrayList<>(called.size());
    for (ExpertOutcome o : called) {
      if (o instanceof ExpertOutcome.Answered a) {
        all.add(a);
        if (a.out().aux().confidence() >= floor) {
          good.add(a);
        }
      }
    }
    return good.isEmpty() ? all : good;
  }

  private static boolean hasUsable(List<ExpertOutcome> called, double floor) {
    for (ExpertOutcome o : called) {
      if (o instanceof ExpertOutcome.Answered a && a.out().aux().confidence() >= floor) {
        return true;
      }
    }
    return false;
  }

  private static String why(List<ExpertOutcome> outcomes, double floor) {
    StringBuilder sb = new StringBuilder();
    for (ExpertOutcome o : outcomes) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(o.expert().name());
      switch (o) {
        case ExpertOutcome.Failed f ->
            sb.append(
                NoAnswer.clientMistake(f.error()) == null
                    ? " failed"
                    : " cannot process the input");
        case ExpertOutcome.Dropped d -> sb.append(" dropped (").append(d.reason()).append(')');
        case ExpertOutcome.Answered a ->
            sb.append(
                String.format(
                    " answered below the confidence floor %.2f (%.2f)",
                    floor, a.out().aux().confidence()));
        case ExpertOutcome.Skipped s -> sb.append(" skipped");
      }
    }
    return sb.toString();
  }
}
