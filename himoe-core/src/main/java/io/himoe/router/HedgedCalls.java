package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertStats;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.CpuMeter;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Hedged parallel calls (see {@link Hedge}): every pick is called at once; a pick that has not
 * finished after its own delay gets a hedge, another expert (which reserves its cost), and the
 * first answer among the pick's calls with at least the confidence floor wins while the others are
 * cancelled (reported as dropped, "hedge: X answered first"). A failure or a weak answer waits for
 * the pick's other calls; a hedge that fails while the pick's own call still runs is followed by
 * the next expert that fits, up to a number of hedges per pick. The wait ends when every pick is
 * settled, at the deadline or on a cancel; calls still running then are dropped as in {@link
 * ExpertCalls#parallel}.
 */
final class HedgedCalls {

  private HedgedCalls() {}

  /**
   * One picked expert.
   *
   * @param ref the expert
   * @param stats its statistics
   * @param hedgeAfterNanos how long it runs alone before its hedge; negative: never hedged
   */
  record Pick(ExpertRef ref, ExpertStats stats, long hedgeAfterNanos) {}

  /** A pick's call and its hedges', once started. */
  private static final class Pair {
    final ExpertCalls.Call primary;
    // The primary, then each hedge in start order.
    final List<ExpertCalls.Call> calls = new ArrayList<>(2);
    // When the first hedge is due (System.nanoTime); Long.MAX_VALUE once asked for, or never.
    long hedgeAt;
    int hedgesLeft;
    boolean settled;

    Pair(ExpertCalls.Call primary, long hedgeAt, int hedges) {
      this.primary = primary;
      this.hedgeAt = hedgeAt;
      this.hedgesLeft = hedges;
      calls.add(primary);
    }

    boolean allFinished() {
      for (ExpertCalls.Call c : calls) {
        if (!c.isFinished()) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Calls the picks, hedging the late ones.
   *
   * @param picks the picked experts, in order
   * @param input the input
   * @param ctx the request (not streaming)
   * @param floor the confidence of a good answer
   * @param maxHedges hedges per pick at most, &gt;= 1: a hedge that fails while the pick's own call
   *     still runs is followed by another (the re-route of a failed call)
   * @param hedge given a pick's index, the expert that hedges it when one fits (asked at most once
   *     per pick; it must not return an expert already called)
   * @param hedgedPicks receives, for each hedge started, the index of the pick it hedges
   * @return one outcome per pick, in order, then one per hedge started, in start order
   */
  static List<ExpertOutcome> call(
      List<Pick> picks,
      InputData input,
      Context ctx,
      double floor,
      int maxHedges,
      IntFunction<Optional<ExpertCalls.HedgePick>> hedge,
      List<Integer> hedgedPicks) {
    LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Object cancelled = new Object();
    CancelToken parent = ctx.cancel();
    Runnable unregister = parent.onCancel(() -> events.add(cancelled));
    CpuMeter meter = CpuMeter.current();
    List<Pair> pairs = new ArrayList<>(picks.size());
    List<ExpertCalls.Call> hedges = new ArrayList<>(1);
    Map<ExpertCalls.Call, Pair> pairOf = new IdentityHashMap<>();
    long t0 = System.nanoTime();
    long deadline = t0 + ctx.remaining().toNanos();
    try {
      CpuMeter.checkBudget("call");
      for (Pick p : picks) {
        ExpertCalls.Call c = ExpertCalls.start(p.ref(), p.stats(), input, ctx, events, meter);
        Pair pair =
            new Pair(
                c,
                p.hedgeAfterNanos() < 0 ? Long.MAX_VALUE : t0 + p.hedgeAfterNanos(),
                Math.max(1, maxHedges));
        pairs.add(pair);
        pairOf.put(c, pair);
      }
      int open = pairs.size();
      while (open > 0) {
        long next = deadline;
        for (Pair p : pairs) {
          if (!p.settled && p.hedgeAt < next) {
            next = p.hedgeAt;
          }
        }
        Object e = events.poll(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
        long now = System.nanoTime();
        if (e == cancelled || (e == null && now >= deadline)) {
          break;
        }
        if (e == null) {
          // Some picks are late: hedge each, if another expert fits.
          for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            if (!p.settled && p.hedgeAt <= now) {
              p.hedgeAt = Long.MAX_VALUE;
              hedge(p, i, hedge, input, ctx, events, meter, pairOf, hedges, hedgedPicks);
            }
          }
          continue;
        }
        ExpertCalls.Call c = (ExpertCalls.Call) e;
        Pair p = pairOf.get(c);
        if (p == null || p.settled) {
          continue;
        }
        if (c.outcome instanceof ExpertOutcome.Answered a && a.out().aux().confidence() >= floor) {
          for (ExpertCalls.Call other : p.calls) {
            if (other != c) {
              other.lose(c.ref.name());
            }
          }
          if (c != p.primary) {
            c.stats.recordHedgeWin();
          }
          p.settled = true;
          open--;
          continue;
        }
        if (c != p.primary && !p.primary.isFinished()) {
          // A hedge failed (or answered weakly) while the late call still runs: the next expert
          // that fits hedges it in its place, as a re-route would.
          hedge(p, pairs.indexOf(p), hedge, input, ctx, events, meter, pairOf, hedges, hedgedPicks);
        }
        if (p.allFinished()) {
          // A failure or a weak answer with no other call of this pick running: settled (when
          // the pick's own call ends so before its hedge is due, re-route takes over).
          p.settled = true;
          p.hedgeAt = Long.MAX_VALUE;
          open--;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      String reason = parent.isCancelled() ? "cancelled" : "deadline";
      for (Pair p : pairs) {
        for (ExpertCalls.Call c : p.calls) {
          c.drop(reason);
        }
      }
      unregister.run();
    }
    List<ExpertOutcome> out = new ArrayList<>(pairs.size() + hedges.size());
    for (Pair p : pairs) {
      out.add(ExpertCalls.outcomeOf(p.primary));
    }
    for (ExpertCalls.Call h : hedges) {
      out.add(ExpertCalls.outcomeOf(h));
    }
    CpuMeter.checkBudget("call");
    return out;
  }

  /** Starts the pick's next hedge, when it has one left and another expert fits. */
  private static void hedge(
      Pair p,
      int pick,
      IntFunction<Optional<ExpertCalls.HedgePick>> hedge,
      InputData input,
      Context ctx,
      LinkedBlockingQueue<Object> events,
      @Nullable CpuMeter meter,
      Map<ExpertCalls.Call, Pair> pairOf,
      List<ExpertCalls.Call> hedges,
      List<Integer> hedgedPicks) {
    if (p.hedgesLeft <= 0) {
      return;
    }
    p.hedgesLeft--;
    Optional<ExpertCalls.HedgePick> h = hedge.apply(pick);
    if (h.isEmpty()) {
      p.hedgesLeft = 0;
      return;
    }
    h.get().stats().recordHedge();
    ExpertCalls.Call c =
        ExpertCalls.start(h.get().ref(), h.get().stats(), input, ctx, events, meter);
    p.calls.add(c);
    pairOf.put(c, p);
    hedges.add(c);
    hedgedPicks.add(pick);
  }
}
