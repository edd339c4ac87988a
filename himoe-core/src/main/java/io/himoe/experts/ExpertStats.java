package io.himoe.experts;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live observations of one expert: exponentially weighted mean latency and cost of its answers,
 * call and failure counts and the number of calls in flight. Routers read it to shrink top-k when
 * the remaining budget cannot cover an expert; the router's caller writes it. Lock-free.
 *
 * <p>An expert is never excluded forever by its past: read at a time ({@link
 * #expectedLatencyMs(long)}), the means decay towards 0 with a half-life of {@value #HALF_LIFE_MS}
 * ms since the last observation, and an expert skipped for its expected latency gets a trial call
 * at most every {@value #PROBE_INTERVAL_MS} ms ({@link #tryProbe}); a trial that answers replaces
 * the latency mean ({@link #resetLatency}), as a half-open circuit closes.
 *
 * <p>The latencies of the last {@value #RECENT} answers are kept for percentiles ({@link
 * #recentLatencyPercentileMs}), which hedged calls wait for before calling a second expert.
 */
public final class ExpertStats {

  /** Weight of the newest observation in the moving averages. */
  public static final double ALPHA = 0.2;

  private final AtomicLong latencyBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
  private final AtomicLong costBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong drops = new AtomicLong();
  private final AtomicLong hedges = new AtomicLong();
  private final AtomicLong hedgeWins = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastObservedMs = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong lastProbeMs = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLongArray recent = new AtomicLongArray(RECENT);
  private final AtomicLong answers = new AtomicLong();

  /** How many of the latest answers' latencies are kept for percentiles. */
  public static final int RECENT = 64;

  /** Half-life of the means' decay since the last observation, in ms. */
  public static final long HALF_LIFE_MS = 30_000;

  /** Least time between two trial calls of an expert skipped for its latency, in ms. */
  public static final long PROBE_INTERVAL_MS = 1_000;

  /** Creates empty statistics. */
  public ExpertStats() {}

  /**
   * Records an answer.
   *
   * @param latencyMs its latency
   * @param costUnits its cost
   */
  public void recordAnswer(long latencyMs, double costUnits) {
    calls.incrementAndGet();
    long n = answers.getAndIncrement();
    recent.set((int) (n % RECENT), latencyMs);
    ewma(latencyBits, latencyMs);
    ewma(costBits, costUnits);
  }

  /**
   * Records a failure; its latency still counts, since a failing expert still takes time.
   *
   * @param latencyMs time until it failed
   */
  public void recordFailure(long latencyMs) {
    calls.incrementAndGet();
    failures.incrementAndGet();
    ewma(latencyBits, latencyMs);
  }

  /**
   * Records a call dropped at the deadline: the expert took at least {@code waitedMs}.
   *
   * @param waitedMs how long it was waited for
   */
  public void recordDrop(long waitedMs) {
    calls.incrementAndGet();
    drops.incrementAndGet();
    ewma(latencyBits, waitedMs);
  }

  /**
   * Notes when the last observation was made (the decay of the means starts there).
   *
   * @param nowMs the time on the request's clock, in epoch ms
   */
  public void observedAt(long nowMs) {
    lastObservedMs.accumulateAndGet(nowMs, Math::max);
  }

  /**
   * @param nowMs the time on the request's clock, in epoch ms
   * @return the expected latency in ms, decayed since the last observation
   */
  public double expectedLatencyMs(long nowMs) {
    return expectedLatencyMs() * decay(nowMs);
  }

  /**
   * @param nowMs the time on the request's clock, in epoch ms
   * @return the expected cost in cost units, decayed since the last observation
   */
  public double expectedCost(long nowMs) {
    return expectedCost() * decay(nowMs);
  }

  private double decay(long nowMs) {
    long last = lastObservedMs.get();
    if (last == Long.MIN_VALUE || nowMs <= last) {
      return 1;
    }
    return Math.pow(0.5, (double) (nowMs - last) / HALF_LIFE_MS);
  }

  /**
   * Takes the right to a trial call of this expert when it was last observed (called) at least
   * {@code intervalMs} ago and no trial call was made in the last {@code intervalMs}.
   *
   * @param nowMs the time on the request's clock, in epoch ms
   * @param intervalMs least time between two trial calls
   * @return whether the caller may make a trial call now
   */
  public boolean tryProbe(long nowMs, long intervalMs) {
    long observed = lastObservedMs.get();
    if (observed == Long.MIN_VALUE || nowMs - observed < intervalMs) {
      return false;
    }
    while (true) {
      long last = lastProbeMs.get();
      if (last != Long.MIN_VALUE && nowMs - last < intervalMs) {
        return false;
      }
      if (lastProbeMs.compareAndSet(last, nowMs)) {
        return true;
      }
    }
  }

  /**
   * A trial call answered: its latency replaces the mean (fresh evidence outweighs the past).
   *
   * @param latencyMs the trial call's latency
   */
  public void resetLatency(long latencyMs) {
    latencyBits.set(Double.doubleToRawLongBits(latencyMs));
  }

  /**
   * A percentile of the latencies of the last {@value #RECENT} answers (failures and drops are not
   * answers: a hedge waits for how long a good answer usually takes).
   *
   * @param percentile in (0, 100]
   * @param minAnswers answers needed before the percentile is trusted, &gt;= 1
   * @return the latency in ms at that percentile (nearest rank), or NaN with fewer answers
   */
  public double recentLatencyPercentileMs(double percentile, int minAnswers) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
    int n = (int) Math.min(answers.get(), RECENT);
    if (n < Math.max(1, minAnswers)) {
      return Double.NaN;
    }
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = recent.get(i);
    }
    Arrays.sort(v);
    int rank = (int) Math.ceil(percentile / 100.0 * n);
    return v[Math.max(0, rank - 1)];
  }

  /** Marks a call as started; pair with {@link #exit()}. */
  public void enter() {
    inFlight.incrementAndGet();
  }

  /** Marks a call as finished. */
  public void exit() {
    inFlight.decrementAndGet();
  }

  /**
   * @return the expected latency in ms, 0 before the first observation (optimistic, so a new expert
   *     gets tried)
   */
  public double expectedLatencyMs() {
    double v = Double.longBitsToDouble(latencyBits.get());
    return Double.isNaN(v) ? 0 : v;
  }

  /**
   * @return the expected cost in units, 0 before the first answer
   */
  public double expectedCost() {
    double v = Double.longBitsToDouble(costBits.get());
    return Double.isNaN(v) ? 0 : v;
  }

  /**
   * @return calls observed (answers, failures and drops)
   */
  public long calls() {
    return calls.get();
  }

  /**
   * @return failures observed
   */
  public long failures() {
    return failures.get();
  }

  /**
   * @return calls dropped at the deadline
   */
  public long drops() {
    return drops.get();
  }

  /** Counts a hedged call started on this expert because another expert was late. */
  public void recordHedge() {
    hedges.incrementAndGet();
  }

  /** Counts a hedged call of this expert whose answer came first and was used. */
  public void recordHedgeWin() {
    hedgeWins.incrementAndGet();
  }

  /**
   * @return hedged calls started on this expert (another expert was late)
   */
  public long hedges() {
    return hedges.get();
  }

  /**
   * @return hedged calls of this expert whose answer won (came first with enough confidence)
   */
  public long hedgeWins() {
    return hedgeWins.get();
  }

  /**
   * @return calls currently running
   */
  public int inFlight() {
    return inFlight.get();
  }

  private static void ewma(AtomicLong bits, double x) {
    while (true) {
      long cur = bits.get();
      double old = Double.longBitsToDouble(cur);
      double next = Double.isNaN(old) ? x : old + ALPHA * (x - old);
      if (bits.compareAndSet(cur, Double.doubleToRawLongBits(next))) {
        return;
      }
    }
  }
}
