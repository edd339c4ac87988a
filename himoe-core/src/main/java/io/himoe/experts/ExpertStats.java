package io.himoe.experts;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live observations of one expert: exponentially weighted mean latency and cost of its answers,
 * call and failure counts and the number of calls in flight. Routers read it to shrink top-k when
 * the remaining budget cannot cover an expert; the router's caller writes it. Lock-free.
 */
public final class ExpertStats {

  /** Weight of the newest observation in the moving averages. */
  public static final double ALPHA = 0.2;

  private final AtomicLong latencyBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
  private final AtomicLong costBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong drops = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();

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
