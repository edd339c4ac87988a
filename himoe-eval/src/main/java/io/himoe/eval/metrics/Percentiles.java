package io.himoe.eval.metrics;

import org.HdrHistogram.Histogram;

/** Percentiles of measured durations, by HdrHistogram (three significant digits). */
public final class Percentiles {

  private static final int SIGNIFICANT_DIGITS = 3;

  private Percentiles() {}

  /**
   * The value at a percentile: the smallest recorded value such that at least {@code p}% of the
   * values are less than or equal to it, within HdrHistogram's precision (exact up to 2,048, then
   * within 0.1 %).
   *
   * @param values the values (not modified), not empty, each &gt;= 0
   * @param p the percentile, in (0, 100]
   * @return the value at that percentile
   */
  public static long valueAt(long[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    Histogram h = new Histogram(SIGNIFICANT_DIGITS);
    for (long v : values) {
      if (v < 0) {
        throw new IllegalArgumentException("values must be >= 0, got " + v);
      }
      h.recordValue(v);
    }
    return h.getValueAtPercentile(p);
  }

  /**
   * @param nanos a duration in nanoseconds
   * @return the same in milliseconds
   */
  public static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
