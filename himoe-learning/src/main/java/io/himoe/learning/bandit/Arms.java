package io.himoe.learning.bandit;

import java.util.BitSet;
import java.util.Objects;

/** Checks a re-layout of arms. */
final class Arms {

  private Arms() {}

  /**
   * @param keep arms kept
   * @param added arms appended
   * @param arms arms before
   * @return arms after
   * @throws IllegalArgumentException if none would remain, or an index repeats or is out of range
   */
  static int count(int[] keep, int added, int arms) {
    int n = keep.length + added;
    if (added < 0 || n < 1) {
      throw new IllegalArgumentException("a bandit needs at least one arm, got " + n);
    }
    BitSet seen = new BitSet(arms);
    for (int k : keep) {
      Objects.checkIndex(k, arms);
      if (seen.get(k)) {
        throw new IllegalArgumentException("arm " + k + " kept twice");
      }
      seen.set(k);
    }
    return n;
  }
}
