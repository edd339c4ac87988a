package io.himoe.learning.bandit;

import java.util.Objects;

/**
 * Per-arm reward statistics every bandit keeps (plays, sum and sum of squares of rewards), for its
 * means, its state and its re-layout. Not thread-safe: the bandit holding it synchronises.
 */
final class RewardStats {

  final long[] counts;
  final double[] sums;
  final double[] squares;

  RewardStats(int arms) {
    counts = new long[arms];
    sums = new double[arms];
    squares = new double[arms];
  }

  /** Copies the statistics of a saved state. */
  void restore(BanditState s) {
    System.arraycopy(s.counts(), 0, counts, 0, s.arms());
    System.arraycopy(s.sums(), 0, sums, 0, s.arms());
    System.arraycopy(s.sumSquares(), 0, squares, 0, s.arms());
  }

  /**
   * Checks an update before the bandit changes anything.
   *
   * @throws IndexOutOfBoundsException for an unknown arm
   * @throws IllegalArgumentException for a reward that is not finite
   */
  void check(int arm, double reward) {
    Objects.checkIndex(arm, counts.length);
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("bandit reward must be finite, got " + reward);
    }
  }

  void record(int arm, double reward) {
    counts[arm]++;
    sums[arm] += reward;
    squares[arm] += reward * reward;
  }

  int arms() {
    return counts.length;
  }

  double mean(int arm) {
    return counts[arm] == 0 ? 0 : sums[arm] / counts[arm];
  }

  double[] means() {
    double[] out = new double[counts.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = mean(i);
    }
    return out;
  }

  long plays() {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  /** Takes the statistics of the kept arms of {@code from}, in order; appended arms start empty. */
  void keep(RewardStats from, int[] keep) {
    for (int k = 0; k < keep.length; k++) {
      counts[k] = from.counts[keep[k]];
      sums[k] = from.sums[keep[k]];
      squares[k] = from.squares[keep[k]];
    }
  }
}
