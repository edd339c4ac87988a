package io.himoe.experts.management;

import java.util.Arrays;

/**
 * The last {@code size} calls of one expert: whether each answered and how long it took. A ring
 * buffer under a lock; percentiles sort a copy, which is cheap at the sizes used (hundreds).
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

  /** Nearest-rank percentile. */
  synchronized double percentile(double p) {
    if (filled == 0) {
      return Double.NaN;
    }
    long[] copy = Arrays.copyOf(latencies, filled);
    Arrays.sort(copy);
    int rank = (int) Math.ceil(p / 100.0 * filled);
    return copy[Math.max(0, Math.min(filled - 1, rank - 1))];
  }
}
