package io.himoe.experts.management;

import org.HdrHistogram.Histogram;

/**
 * The last {@code size} calls of one expert: whether each answered and how long it took. A ring
 * buffer under a lock; percentiles come from an HdrHistogram filled from the window when asked
 * (hundreds of values, read by the management loop, not per call).
 */
final class CallWindow {

  private final long[] latencies;
  private final boolean[] ok;
  private int next;
  private int filled;
  private long total;

  CallWindow(int size) {
    latencies = new long[size];
    ok = new boolean[size];
  }

  synchronized void record(boolean answered, long latencyMs) {
    latencies[next] = latencyMs;
    ok[next] = answered;
    next = (next + 1) % latencies.length;
    filled = Math.min(filled + 1, latencies.length);
    total++;
  }

  synchronized long total() {
    return total;
  }

  synchronized double successRate() {
    if (filled == 0) {
      return 1.0;
    }
    int n = 0;
    for (int i = 0; i < filled; i++) {
      if (ok[i]) {
        n++;
      }
    }
    return (double) n / filled;
  }

  synchronized double mean() {
    if (filled == 0) {
      return Double.NaN;
    }
    long sum = 0;
    for (int i = 0; i < filled; i++) {
      sum += latencies[i];
    }
    return (double) sum / filled;
  }

  /**
   * @param p a percentile in (0, 100]
   * @return the latency at that percentile over the window, in ms (HdrHistogram, three significant
   *     digits: exact up to 2,048 ms), or NaN when the window is empty
   */
  synchronized double percentile(double p) {
    if (filled == 0) {
      return Double.NaN;
    }
    Histogram h = new Histogram(3);
    for (int i = 0; i < filled; i++) {
      h.recordValue(Math.max(0, latencies[i]));
    }
    return h.getValueAtPercentile(p);
  }
}
