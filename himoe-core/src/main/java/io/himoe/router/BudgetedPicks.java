package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertStats;
import io.himoe.shared.Context;
import io.himoe.shared.CostBudget;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.util.ArrayList;
import java.util.List;

/**
 * Top-k within the budget. The rule (also in docs/engine.md):
 *
 * <ol>
 *   <li>k is clamped to [1, n].
 *   <li>The top k candidates are taken in weight order. Each is called only if its observed latency
 *       (moving average; 0 before any observation) is at most the remaining time, and if its cost
 *       can be reserved from the shared cost budget: the larger of its observed mean cost and the
 *       upper bound it declares ({@link io.himoe.experts.Expert#costBound}, from its configured
 *       prices), so that a fresh expert is not taken for free. The others are reported as dropped
 *       with the reason ("time budget" or "cost budget").
 *   <li>If none of the top k fits, the best-weighted candidate beyond them that fits is called
 *       instead, so that a request is not failed while an affordable expert exists.
 *   <li>If no candidate fits: {@code DeadlineExceeded} when time was the limit for all, otherwise
 *       {@code BudgetExceeded}.
 * </ol>
 *
 * Reservations are settled after the calls with the cost actually reported (0 for a failure, the
 * reservation for a drop, since a cancelled remote call may still be billed).
 */
final class BudgetedPicks {

  private final List<ExpertRef> picked;
  private final List<ExpertRef> probes;
  private final List<CostBudget.Reservation> reservations;
  private final List<ExpertOutcome> skipped;
  private final String shrink;

  private BudgetedPicks(
      List<ExpertRef> picked,
      List<ExpertRef> probes,
      List<CostBudget.Reservation> reservations,
      List<ExpertOutcome> skipped,
      String shrink) {
    this.picked = picked;
    this.probes = probes;
    this.reservations = reservations;
    this.skipped = skipped;
    this.shrink = shrink;
  }

  static BudgetedPicks plan(
      Router router, GateScores weights, int topK, InputData input, Context ctx) {
    return plan(router, weights, topK, input, ctx, false);
  }

  /** With {@code dryRun}, nothing is reserved: the cost check only asks whether it would fit. */
  static BudgetedPicks plan(
      Router router, GateScores weights, int topK, InputData input, Context ctx, boolean dryRun) {
    var registry = router.experts();
    int k = Math.max(1, Math.min(topK, weights.size()));
    long remainingMs = ctx.remainingMs();
    CostBudget budget = ctx.costBudget();
    List<ExpertRef> picked = new ArrayList<>(k);
    List<ExpertRef> probes = new ArrayList<>(0);
    long nowMs = ctx.clock().millis();
    int fitting = 0;
    List<CostBudget.Reservation> reservations = new ArrayList<>(k);
    List<ExpertOutcome> skipped = new ArrayList<>(0);
    StringBuilder why = null;
    int considered = 0;
    int timeLimited = 0;
    int candidates = 0;
    for (GateScores.Score s : weights.scores()) {
      ExpertRef ref = registry.byId(s.id()).orElse(null);
      if (ref == null) {
        continue;
      }
      candidates++;
      boolean inTopK = considered < k;
      if (!inTopK && fitting > 0) {
        break;
      }
      considered++;
      ExpertStats st = RouteLoop.statsOf(registry, List.of(ref)).getFirst();
      double lat = st.expectedLatencyMs(nowMs);
      String reason = null;
      CostBudget.Reservation r = null;
      boolean probe = false;
      if (lat > remainingMs) {
        reason = String.format("time budget: expects ~%.0f ms, %d ms left", lat, remainingMs);
        timeLimited++;
        // Never excluded forever by its past: a trial call now and then (half-open), beside the
        // picks that fit, tells whether it recovered.
        if (inTopK && !dryRun && st.tryProbe(nowMs, ExpertStats.PROBE_INTERVAL_MS)) {
          probe = true;
        }
      }
      if (reason == null || probe) {
        double cost = reservedCost(ref, st, input, nowMs);
        try {
          if (dryRun && !budget.canCover(cost)) {
            throw new MoeError.BudgetExceeded("dry run");
          }
          r = dryRun ? null : budget.reserve(cost);
        } catch (MoeError.BudgetExceeded e) {
          reason =
              String.format(
                  "cost budget: expects ~%.4g units, %.4g left", cost, budget.remaining());
        }
      }
      if (probe && r != null) {
        picked.add(ref);
        probes.add(ref);
        reservations.add(r);
        why =
            (why == null ? new StringBuilder() : why.append("; "))
                .append(ref.name())
                .append(": trial call (")
                .append(reason)
                .append(')');
      } else if (reason == null) {
        picked.add(ref);
        fitting++;
        if (r != null) {
          reservations.add(r);
        }
      } else if (inTopK) {
        skipped.add(new ExpertOutcome.Dropped(ref, reason, 0));
        why =
            (why == null ? new StringBuilder() : why.append("; "))
                .append(ref.name())
                .append(": ")
                .append(reason);
      }
    }
    if (candidates == 0) {
      throw new MoeError.NoExpertSelected(
          "router '" + router.id() + "' has no registered expert among its scored candidates");
    }
    if (fitting == 0 && probes.isEmpty()) {
      String detail = "router '" + router.id() + "': no expert fits (" + why + ")";
      throw timeLimited == considered
          ? new MoeError.DeadlineExceeded("pick: " + detail)
          : new MoeError.BudgetExceeded(detail);
    }
    String shrink = "";
    if (why != null) {
      shrink = "top-k " + k + " -> " + picked.size() + ": " + why;
    }
    return new BudgetedPicks(
        List.copyOf(picked), List.copyOf(probes), reservations, List.copyOf(skipped), shrink);
  }

  /**
   * The re-route pick: the best-weighted expert not yet tried whose expected latency fits the time
   * left and whose cost can be reserved.
   *
   * @param router the router
   * @param weights the request's weights
   * @param tried experts already called or skipped in this request
   * @param input the input
   * @param ctx the request context
   * @return the pick with its reservation, or empty when no untried expert fits
   */
  static java.util.Optional<BudgetedPicks> next(
      Router router,
      GateScores weights,
      java.util.Set<io.himoe.experts.ExpertId> tried,
      InputData input,
      Context ctx) {
    var registry = router.experts();
    long nowMs = ctx.clock().millis();
    long remainingMs = ctx.remainingMs();
    for (GateScores.Score s : weights.scores()) {
      if (tried.contains(s.id()) || !(s.value() > 0)) {
        continue;
      }
      ExpertRef ref = registry.byId(s.id()).orElse(null);
      if (ref == null) {
        continue;
      }
      ExpertStats st = RouteLoop.statsOf(registry, List.of(ref)).getFirst();
      if (st.expectedLatencyMs(nowMs) > remainingMs) {
        continue;
      }
      try {
        CostBudget.Reservation r = ctx.costBudget().reserve(reservedCost(ref, st, input, nowMs));
        return java.util.Optional.of(
            new BudgetedPicks(List.of(ref), List.of(), List.of(r), List.of(), ""));
      } catch (MoeError.BudgetExceeded tooDear) {
        // The next one may be cheaper.
      }
    }
    return java.util.Optional.empty();
  }

  /** The larger of the observed mean cost and the expert's declared upper bound. */
  private static double reservedCost(ExpertRef ref, ExpertStats st, InputData input, long nowMs) {
    double bound = ref.expert().costBound(input);
    double mean = st.expectedCost(nowMs);
    return Double.isNaN(bound) || !(bound >= 0) || Double.isInfinite(bound)
        ? mean
        : Math.max(mean, bound);
  }

  List<ExpertRef> picked() {
    return picked;
  }

  /**
   * @return the picks that are trial calls of experts skipped for their latency
   */
  List<ExpertRef> probes() {
    return probes;
  }

  List<ExpertOutcome> skipped() {
    return skipped;
  }

  String shrink() {
    return shrink;
  }

  void settleWith(List<ExpertOutcome> called) {
    for (int i = 0; i < called.size() && i < reservations.size(); i++) {
      CostBudget.Reservation r = reservations.get(i);
      switch (called.get(i)) {
        case ExpertOutcome.Answered a -> r.settle(a.out().aux().costUnits());
        case ExpertOutcome.Failed f -> r.settle(0);
        case ExpertOutcome.Skipped s -> r.settle(0);
        case ExpertOutcome.Dropped d -> r.settle(r.reserved());
      }
    }
  }

  void settleUnsettled() {
    for (CostBudget.Reservation r : reservations) {
      r.settle(r.reserved());
    }
  }
}
