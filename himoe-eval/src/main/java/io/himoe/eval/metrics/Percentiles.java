package io.himoe.eval.metrics;

import java.util.Arrays;

/** Nearest-rank percentiles of measured durations. */
public final class Percentiles {

  private Percentiles() {}

  /**
   * The nearest-rank percentile: the smallest value such that at least {@code p}% of the values are
   * less than or equal to it.
   *
   * @param values the values (not modified), not empty
   * @param p the percentile, in (0, 100]
   * @return the value at that rank
   */
  public static long nearestRank(long[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  /**
   * @param nanos a duration in nanoseconds
   * @return the same in milliseconds
   */
  public static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
