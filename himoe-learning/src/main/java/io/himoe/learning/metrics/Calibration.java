package io.himoe.learning.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of stated confidence against observed correctness: equal-width reliability bins and
 * the expected calibration error {@code ECE = Σ_b (n_b/N)·|acc_b − conf_b|}. Thread-safe.
 */
public final class Calibration {

  private final long[] counts;
  private final double[] confSums;
  private final long[] correct;

  private Calibration(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("calibration bins must be >= 1, got " + bins);
    }
    counts = new long[bins];
    confSums = new double[bins];
    correct = new long[bins];
  }

  /**
   * @param bins number of equal-width bins over [0, 1], &gt;= 1 (10 is usual)
   * @return an empty calibration tracker
   */
  public static Calibration of(int bins) {
    return new Calibration(bins);
  }

  /**
   * @param confidence stated confidence, clamped to [0, 1] (NaN is ignored)
   * @param wasCorrect whether the answer turned out right
   */
  public synchronized void record(double confidence, boolean wasCorrect) {
    if (Double.isNaN(confidence)) {
      return;
    }
    double c = Math.max(0, Math.min(1, confidence));
    int b = Math.min(counts.length - 1, (int) (c * counts.length));
    counts[b]++;
    confSums[b] += c;
    correct[b] += wasCorrect ? 1 : 0;
  }

  /**
   * @return observations recorded
   */
  public synchronized long count() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /**
   * @return the reliability bins, lowest first
   */
  public synchronized List<ReliabilityBin> bins() {
    List<ReliabilityBin> out = new ArrayList<>(counts.length);
    for (int b = 0; b < counts.length; b++) {
      long n = counts[b];
      out.add(
          new ReliabilityBin(
              (double) b / counts.length,
              (double) (b + 1) / counts.length,
              n,
              n == 0 ? 0 : confSums[b] / n,
              n == 0 ? 0 : (double) correct[b] / n));
    }
    return out;
  }

  /**
   * @return the expected calibration error in [0, 1] (0 when nothing was recorded)
   */
  public synchronized double ece() {
    long total = count();
    if (total == 0) {
      return 0;
    }
    double e = 0;
    for (ReliabilityBin b : bins()) {
      e += (double) b.count() / total * Math.abs(b.accuracy() - b.meanConfidence());
    }
    return e;
  }
}
