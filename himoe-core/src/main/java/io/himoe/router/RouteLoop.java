package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.ExpertStats;
import io.himoe.router.aggregation.AggregatedOut;
import io.himoe.router.aggregation.CallMode;
import io.himoe.router.aggregation.MixMeta;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The routing loop of seed 001 §5 for one router: encode, gate, policy, top-k within the budget,
 * call, aggregate; behind {@link Router}'s default methods.
 */
final class RouteLoop {

  private RouteLoop() {}

  /**
   * Runs the loop.
   *
   * @param router the router
   * @param input the input
   * @param ctx the request context
   * @return the result
   */
  static RouteResult run(Router router, InputData input, Context ctx) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(ctx, "ctx");
    RouterConfig cfg = router.config();
    ctx.checkAlive("encode");
    RouterInput ri =
        cfg.encoder().isPresent()
            ? RouterInput.encode(input, cfg.encoder().get())
            : RouterInput.raw(input);
    ctx.checkAlive("gate");
    GateScores raw = router.gate(ri, ctx);
    if (raw == null || raw.size() == 0) {
      throw new MoeError.NoExpertSelected("router '" + router.id() + "' scored no expert");
    }
    GateScores weights = cfg.policy().apply(raw);
    ctx.checkAlive("pick");
    BudgetedPicks picks = BudgetedPicks.plan(router, weights, cfg.topK(), input, ctx);
    router.onRouted(picks.picked());
    long t0 = System.nanoTime();
    List<ExpertOutcome> called;
    List<BudgetedPicks> hedges = new ArrayList<>(1);
    long hedgeAfterMs = hedgeAfterMs(router, picks, ctx);
    try {
      called =
          switch (cfg.aggregator().callMode()) {
            case CallMode.Parallel p ->
                hedgeAfterMs < 0
                    ? callParallel(router, picks.picked(), input, ctx)
                    : callHedged(router, weights, picks, input, ctx, hedgeAfterMs, hedges);
            case CallMode.Cascade c ->
                callCascade(router, picks.picked(), input, ctx, c.threshold());
          };
      picks.settleWith(called);
      for (BudgetedPicks h : hedges) {
        h.settleWith(called.subList(1, called.size()));
      }
    } finally {
      // If the call stage threw, what was reserved is charged rather than lost or leaked.
      picks.settleUnsettled();
      hedges.forEach(BudgetedPicks::settleUnsettled);
    }
    closeProbes(router, picks, called);
    List<ExpertRef> pickedAll = new ArrayList<>(picks.picked());
    hedges.forEach(h -> pickedAll.addAll(h.picked()));
    called = new ArrayList<>(called);
    String hedged = hedgeTrace(called, hedgeAfterMs, cfg.hedge());
    String rerouted = reroute(router, weights, picks, input, ctx, called, pickedAll);
    if (!hedged.isEmpty()) {
      rerouted = rerouted.isEmpty() ? hedged : hedged + "; " + rerouted;
    }
    long stageMs = (System.nanoTime() - t0) / 1_000_000;
    List<ExpertOutcome> outcomes = new ArrayList<>(called.size() + picks.skipped().size());
    outcomes.addAll(called);
    outcomes.addAll(picks.skipped());
    List<ExpertOutcome.Answered> answered = usable(called, cfg.reroute().confidenceFloor());
    if (answered.isEmpty()) {
      throw noAnswer(router, outcomes, ctx);
    }
    ctx.cancel().throwIfCancelled("aggregate");
    // A synthesizer reached through another router must not stream into this request's answer.
    AggregatedOut agg = cfg.aggregator().combine(input, answered, weights, ctx.withoutTokens());
    int drops = 0;
    double cost = 0;
    for (ExpertOutcome o : outcomes) {
      if (o instanceof ExpertOutcome.Dropped) {
        drops++;
      } else if (o instanceof ExpertOutcome.Answered a) {
        cost += a.out().aux().costUnits();
      }
    }
    MixMeta mix =
        new MixMeta(
            weights.entropy(),
            pickedAll.size(),
            stageMs,
            drops,
            utilisation(pickedAll, weights),
            agg.mix().disagreement(),
            cost,
            agg.mix().confidence());
    String shrink =
        picks.shrink().isEmpty()
            ? rerouted
            : rerouted.isEmpty() ? picks.shrink() : picks.shrink() + "; " + rerouted;
    return new RouteResult(
        router.id(), ri, raw, weights, pickedAll, outcomes, shrink, agg.withMix(mix));
  }

  /**
   * How long the single picked expert runs alone before a hedge, in ms (its recent latency
   * percentile, at least the hedge's minimum delay); -1 when the call is not hedged: hedging off,
   * several picks, a streaming request, too few answers observed, or no time left for a hedge.
   */
  private static long hedgeAfterMs(Router router, BudgetedPicks picks, Context ctx) {
    Hedge h = router.config().hedge();
    if (!h.enabled() || picks.picked().size() != 1 || ctx.streaming()) {
      return -1;
    }
    ExpertStats st = statsOf(router.experts(), picks.picked()).getFirst();
    double p = st.recentLatencyPercentileMs(h.percentile(), h.minAnswers());
    if (Double.isNaN(p)) {
      return -1;
    }
    long after = Math.max(h.minDelayMs(), (long) Math.ceil(p));
    return after < ctx.remainingMs() ? after : -1;
  }

  /** The single pick, hedged with the next-best expert that fits when it is late. */
  private static List<ExpertOutcome> callHedged(
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
        statsOf(router.experts(), List.of(first)).getFirst(),
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
                    ref, statsOf(router.experts(), List.of(ref)).getFirst());
              });
        });
  }

  /** What the hedge did, for the trace; empty when the call was not hedged. */
  private static String hedgeTrace(List<ExpertOutcome> called, long afterMs, Hedge h) {
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

  /** A trial call that answered replaces its expert's latency mean (half-open -> closed). */
  private static void closeProbes(Router router, BudgetedPicks picks, List<ExpertOutcome> called) {
    if (picks.probes().isEmpty()) {
      return;
    }
    for (ExpertOutcome o : called) {
      if (o instanceof ExpertOutcome.Answered a && picks.probes().contains(a.expert())) {
        statsOf(router.experts(), List.of(a.expert())).getFirst().resetLatency(a.latencyMs());
      }
    }
  }

  /**
   * Seed 000's re-route: while no call gave a usable answer (each failed, was dropped or answered
   * below the confidence floor), the next-best expert by weight that fits the time and budget left
   * is called, up to {@link Reroute#max()} times. Re-routed calls do not stream (their answer
   * arrives whole).
   *
   * @return what was re-routed and why, for the trace; empty when nothing was
   */
  private static String reroute(
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
        more = callParallel(router, List.of(ref), input, ctx.withoutTokens());
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
  private static List<ExpertOutcome.Answered> usable(List<ExpertOutcome> called, double floor) {
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
            sb.append(clientMistake(f.error()) == null ? " failed" : " cannot process the input");
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

  /**
   * Runs encode, gate, policy and the budgeted top-k as a dry run.
   *
   * @param router the router
   * @param input the input
   * @param ctx the request context
   * @return the preview
   */
  static RoutePlan preview(Router router, InputData input, Context ctx) {
    RouterConfig cfg = router.config();
    RouterInput ri =
        cfg.encoder().isPresent()
            ? RouterInput.encode(input, cfg.encoder().get())
            : RouterInput.raw(input);
    GateScores raw = router.gate(ri, ctx);
    if (raw == null || raw.size() == 0) {
      throw new MoeError.NoExpertSelected("router '" + router.id() + "' scored no expert");
    }
    GateScores weights = cfg.policy().apply(raw);
    BudgetedPicks picks = BudgetedPicks.plan(router, weights, cfg.topK(), input, ctx, true);
    Map<io.himoe.experts.ExpertId, String> dropped = new HashMap<>();
    for (ExpertOutcome o : picks.skipped()) {
      if (o instanceof ExpertOutcome.Dropped d) {
        dropped.put(d.expert().id(), d.reason());
      }
    }
    return new RoutePlan(raw, weights, picks.picked(), dropped, picks.shrink());
  }

  /**
   * Calls experts in parallel under the deadline.
   *
   * @param router the router (for its registry's statistics)
   * @param picked the experts
   * @param input the input
   * @param ctx the context
   * @return one outcome per expert, in order
   */
  static List<ExpertOutcome> callParallel(
      Router router, List<ExpertRef> picked, InputData input, Context ctx) {
    return ExpertCalls.parallel(statsOf(router.experts(), picked), picked, input, ctx);
  }

  static List<ExpertOutcome> callCascade(
      Router router, List<ExpertRef> picked, InputData input, Context ctx, double threshold) {
    List<ExpertStats> stats = statsOf(router.experts(), picked);
    List<ExpertOutcome> out = new ArrayList<>(picked.size());
    for (int i = 0; i < picked.size(); i++) {
      if (ctx.isExpired() || ctx.cancel().isCancelled()) {
        out.add(
            new ExpertOutcome.Dropped(
                picked.get(i), ctx.cancel().isCancelled() ? "cancelled" : "deadline", 0));
        continue;
      }
      ExpertOutcome o =
          // A cascade's steps do not stream: a later step may replace an earlier answer.
          ExpertCalls.parallel(
                  List.of(stats.get(i)), List.of(picked.get(i)), input, ctx.withoutTokens())
              .getFirst();
      out.add(o);
      if (o instanceof ExpertOutcome.Answered a && a.out().aux().confidence() >= threshold) {
        // Confident enough: the rest are not called at all.
        for (int j = i + 1; j < picked.size(); j++) {
          out.add(new ExpertOutcome.Skipped(picked.get(j)));
        }
        break;
      }
    }
    return out;
  }

  static List<ExpertStats> statsOf(ExpertRegistry registry, List<ExpertRef> picked) {
    List<ExpertStats> stats = new ArrayList<>(picked.size());
    for (ExpertRef r : picked) {
      // An expert removed since it was picked is still called; its statistics go nowhere.
      stats.add(registry.findStats(r.id()).orElseGet(ExpertStats::new));
    }
    return stats;
  }

  private static Map<String, Double> utilisation(List<ExpertRef> picked, GateScores weights) {
    double sum = 0;
    for (ExpertRef r : picked) {
      sum += weights.valueOf(r.id());
    }
    Map<String, Double> util = new HashMap<>();
    for (ExpertRef r : picked) {
      util.put(r.name(), sum > 0 ? weights.valueOf(r.id()) / sum : 1.0 / picked.size());
    }
    return util;
  }

  private static MoeError noAnswer(Router router, List<ExpertOutcome> outcomes, Context ctx) {
    if (ctx.cancel().isCancelled()) {
      return new MoeError.Cancelled("experts");
    }
    boolean allLate = true;
    List<ExpertOutcome.Failed> mistakes = new ArrayList<>(outcomes.size());
    boolean onlyClientMistakes = true;
    List<MoeError.ExpertMiss> misses = new ArrayList<>(outcomes.size());
    StringBuilder why = new StringBuilder("router '").append(router.id()).append("': ");
    for (int i = 0; i < outcomes.size(); i++) {
      ExpertOutcome o = outcomes.get(i);
      if (i > 0) {
        why.append("; ");
      }
      why.append(o.expert().name()).append(' ');
      switch (o) {
        case ExpertOutcome.Failed f -> {
          allLate = false;
          MoeError mistake = clientMistake(f.error());
          if (mistake == null) {
            onlyClientMistakes = false;
            why.append("failed (").append(f.error().getMessage()).append(')');
            misses.add(new MoeError.ExpertMiss(o.expert().name(), false, f.error().getMessage()));
          } else {
            mistakes.add(f);
            why.append("cannot process the input (").append(MoeError.reasonOf(mistake)).append(')');
          }
        }
        case ExpertOutcome.Dropped d -> {
          onlyClientMistakes = false;
          allLate &= d.reason().startsWith("deadline");
          why.append("dropped (").append(d.reason()).append(')');
          misses.add(new MoeError.ExpertMiss(o.expert().name(), true, d.reason()));
        }
        case ExpertOutcome.Skipped s -> why.append("skipped");
        case ExpertOutcome.Answered a -> why.append("answered");
      }
    }
    if (!mistakes.isEmpty() && onlyClientMistakes) {
      // Every expert tried said it cannot process this input: that is the answer (a 4xx naming
      // each one's reason), not a failure of the experts.
      return rejected(router, mistakes);
    }
    return allLate
        ? new MoeError.DeadlineExceeded("experts (" + why + ")", misses)
        : new MoeError.NoExpertAnswered(why.toString(), misses);
  }

  /**
   * The client mistake of a request every tried expert rejected: an {@link MoeError.InvalidInput}
   * when all said so (the first), else an {@link MoeError.Unprocessable} naming each expert and its
   * reason (with the limit it exceeded, when that was the reason).
   */
  private static MoeError rejected(Router router, List<ExpertOutcome.Failed> mistakes) {
    List<MoeError> errors = new ArrayList<>(mistakes.size());
    for (ExpertOutcome.Failed f : mistakes) {
      errors.add(clientMistake(f.error()));
    }
    if (errors.stream().allMatch(e -> e instanceof MoeError.InvalidInput)) {
      return errors.getFirst();
    }
    StringBuilder detail = new StringBuilder();
    if (mistakes.size() > 1) {
      detail.append("no expert of router '").append(router.id()).append("' could process it: ");
    }
    for (int i = 0; i < mistakes.size(); i++) {
      if (i > 0) {
        detail.append("; ");
      }
      String reason = MoeError.reasonOf(errors.get(i));
      String name = mistakes.get(i).expert().name();
      detail.append(reason.startsWith(name + ":") ? reason : name + ": " + reason);
    }
    return new MoeError.Unprocessable(detail.toString());
  }

  /** The client mistake behind an expert's failure, if that is what it was. */
  private static @Nullable MoeError clientMistake(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (MoeError.isClientMistake(c)) {
        return (MoeError) c;
      }
    }
    return null;
  }
}
