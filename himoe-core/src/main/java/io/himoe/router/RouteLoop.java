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
    try {
      called =
          switch (cfg.aggregator().callMode()) {
            case CallMode.Parallel p -> callParallel(router, picks.picked(), input, ctx);
            case CallMode.Cascade c ->
                callCascade(router, picks.picked(), input, ctx, c.threshold());
          };
      picks.settleWith(called);
    } finally {
      // If the call stage threw, what was reserved is charged rather than lost or leaked.
      picks.settleUnsettled();
    }
    long stageMs = (System.nanoTime() - t0) / 1_000_000;
    List<ExpertOutcome> outcomes = new ArrayList<>(called.size() + picks.skipped().size());
    outcomes.addAll(called);
    outcomes.addAll(picks.skipped());
    List<ExpertOutcome.Answered> answered = new ArrayList<>(called.size());
    for (ExpertOutcome o : called) {
      if (o instanceof ExpertOutcome.Answered a) {
        answered.add(a);
      }
    }
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
            picks.picked().size(),
            stageMs,
            drops,
            utilisation(picks.picked(), weights),
            agg.mix().disagreement(),
            cost,
            agg.mix().confidence());
    return new RouteResult(
        router.id(), ri, raw, weights, picks.picked(), outcomes, picks.shrink(), agg.withMix(mix));
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
      ExpertStats s;
      try {
        s = registry.stats(r.id());
      } catch (IllegalArgumentException removedMeanwhile) {
        s = new ExpertStats();
      }
      stats.add(s);
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
          why.append("failed (").append(f.error().getMessage()).append(')');
        }
        case ExpertOutcome.Dropped d -> {
          allLate &= d.reason().startsWith("deadline");
          why.append("dropped (").append(d.reason()).append(')');
        }
        case ExpertOutcome.Skipped s -> why.append("skipped");
        case ExpertOutcome.Answered a -> why.append("answered");
      }
    }
    return allLate
        ? new MoeError.DeadlineExceeded("experts (" + why + ")")
        : new MoeError.NoExpertAnswered(why.toString());
  }
}
