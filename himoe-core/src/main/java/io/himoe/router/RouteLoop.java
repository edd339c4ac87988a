package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.ExpertStats;
import io.himoe.router.aggregation.AggregatedOut;
import io.himoe.router.aggregation.CallMode;
import io.himoe.router.aggregation.MixMeta;
import io.himoe.shared.Context;
import io.himoe.shared.CpuMeter;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RequestDeadline;
import io.himoe.shared.RouterInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
            // An in-process encoder waiting for working memory waits at most the request's
            // deadline.
            ? RequestDeadline.during(ctx, () -> RouterInput.encode(input, cfg.encoder().get()))
            : RouterInput.raw(input);
    ctx.checkAlive("gate");
    CpuMeter.checkBudget("gate");
    GateScores raw = router.gate(ri, ctx);
    if (raw == null || raw.size() == 0) {
      throw new MoeError.NoExpertSelected("router '" + router.id() + "' scored no expert");
    }
    GateScores weights = cfg.policy().apply(raw);
    ctx.checkAlive("pick");
    CpuMeter.checkBudget("pick");
    BudgetedPicks picks = BudgetedPicks.plan(router, weights, cfg.topK(), input, ctx);
    router.onRouted(picks.picked());
    long t0 = System.nanoTime();
    List<ExpertOutcome> called;
    List<BudgetedPicks> hedges = new ArrayList<>(1);
    List<Integer> hedgedPicks = new ArrayList<>(1);
    long[] hedgeAfterMs = Hedging.afterMs(router, picks, ctx);
    int k = picks.picked().size();
    try {
      called =
          switch (cfg.aggregator().callMode()) {
            case CallMode.Parallel p ->
                hedgeAfterMs.length == 0
                    ? callParallel(router, picks.picked(), input, ctx)
                    : Hedging.call(
                        router, weights, picks, input, ctx, hedgeAfterMs, hedges, hedgedPicks);
            case CallMode.Cascade c ->
                callCascade(router, picks.picked(), input, ctx, c.threshold());
          };
      picks.settleWith(called);
      // The hedges' outcomes follow the picks', in the order the hedges started.
      for (int j = 0; j < hedges.size() && k + j < called.size(); j++) {
        hedges.get(j).settleWith(called.subList(k + j, k + j + 1));
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
    String hedged = Hedging.trace(called, k, hedgeAfterMs, hedgedPicks, cfg.hedge());
    String rerouted = Rerouting.run(router, weights, picks, input, ctx, called, pickedAll);
    if (!hedged.isEmpty()) {
      rerouted = rerouted.isEmpty() ? hedged : hedged + "; " + rerouted;
    }
    long stageMs = (System.nanoTime() - t0) / 1_000_000;
    List<ExpertOutcome> outcomes = new ArrayList<>(called.size() + picks.skipped().size());
    outcomes.addAll(called);
    outcomes.addAll(picks.skipped());
    List<ExpertOutcome.Answered> answered =
        Rerouting.usable(called, cfg.reroute().confidenceFloor());
    if (answered.isEmpty()) {
      throw NoAnswer.of(router, outcomes, ctx);
    }
    ctx.cancel().throwIfCancelled("aggregate");
    CpuMeter.checkBudget("aggregate");
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
            // An in-process encoder waiting for working memory waits at most the request's
            // deadline.
            ? RequestDeadline.during(ctx, () -> RouterInput.encode(input, cfg.encoder().get()))
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
}
