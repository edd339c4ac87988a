package io.himoe.eval.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Expected calibration error over equal-width confidence bins: {@code ECE = Σ_b (n_b / N) ·
 * |accuracy_b − meanConfidence_b|}. Bin {@code i} of {@code B} holds confidences in {@code (i/B,
 * (i+1)/B]}; confidence 0 goes into the first bin.
 *
 * @param ece the expected calibration error, in [0, 1]
 * @param bins every bin, empty ones included, lowest confidence first
 */
public record Calibration(double ece, List<Bin> bins) {

  /**
   * One confidence bin.
   *
   * @param lower the bin's lower edge (exclusive, except for the first bin)
   * @param upper the bin's upper edge (inclusive)
   * @param count the rows in the bin
   * @param meanConfidence their mean confidence (0 when empty)
   * @param accuracy the fraction of them that were right (0 when empty)
   */
  public record Bin(
      double lower, double upper, int count, double meanConfidence, double accuracy) {}

  /** Copies the list. */
  public Calibration {
    bins = List.copyOf(bins);
  }

  /**
   * @param confidences one confidence per row, in [0, 1]
   * @param correct whether each row's top prediction was right
   * @param binCount the number of bins, at least 1
   * @return the calibration of these predictions
   */
  public static Calibration of(double[] confidences, boolean[] correct, int binCount) {
    if (confidences.length != correct.length || confidences.length == 0) {
      throw new IllegalArgumentException(
          "need as many outcomes as confidences, and at least one (got "
              + confidences.length
              + " and "
              + correct.length
              + ")");
    }
    if (binCount < 1) {
      throw new IllegalArgumentException("binCount must be at least 1, got " + binCount);
    }
    int[] n = new int[binCount];
    double[] confSum = new double[binCount];
    int[] right = new int[binCount];
    for (int i = 0; i < confidences.length; i++) {
      int b = bin(confidences[i], binCount);
      n[b]++;
      confSum[b] += confidences[i];
      right[b] += correct[i] ? 1 : 0;
    }
    double ece = 0;
    List<Bin> bins = new ArrayList<>(binCount);
    for (int b = 0; b < binCount; b++) {
      double conf = n[b] == 0 ? 0 : confSum[b] / n[b];
      double acc = n[b] == 0 ? 0 : (double) right[b] / n[b];
      ece += (double) n[b] / confidences.length * Math.abs(acc - conf);
      bins.add(new Bin((double) b / binCount, (double) (b + 1) / binCount, n[b], conf, acc));
    }
    return new Calibration(ece, bins);
  }

  private static int bin(double confidence, int binCount) {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
    }
    // ceil(c·B) − 1 puts c in (i/B, (i+1)/B]; c = 0 would give −1, so clamp to the first bin.
    return Math.max(0, (int) Math.ceil(confidence * binCount) - 1);
  }
}
