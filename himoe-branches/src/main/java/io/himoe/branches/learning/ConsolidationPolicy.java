package io.himoe.branches.learning;

/**
 * When to merge and collect branches (seed 004: "Compression/merge offline", "Garbage-collect").
 *
 * @param maxBranches budget {@code m_max}: while more branches live, the closest pair is merged
 * @param mergeDistance merge any pair whose outputs differ by less than this on the probe set (mean
 *     total-variation distance in [0, 1]); 0 merges only for the budget
 * @param distillEpochs passes of distillation over the pair's episodes when merging
 * @param minUsageShare a branch chosen by the gate for less than this share of predictions...
 * @param minGain ...and whose accuracy on its own episodes beats the best other branch by less than
 *     this (in [0, 1]) is collected
 * @param method how a pair is merged: distillation or truncated SVD of the deltas
 */
public record ConsolidationPolicy(
    int maxBranches,
    double mergeDistance,
    int distillEpochs,
    double minUsageShare,
    double minGain,
    MergeMethod method) {

  /**
   * A policy that merges by distillation.
   *
   * @param maxBranches budget
   * @param mergeDistance merge distance
   * @param distillEpochs distillation passes
   * @param minUsageShare collection usage share
   * @param minGain collection gain
   */
  public ConsolidationPolicy(
      int maxBranches,
      double mergeDistance,
      int distillEpochs,
      double minUsageShare,
      double minGain) {
    this(maxBranches, mergeDistance, distillEpochs, minUsageShare, minGain, MergeMethod.DISTILL);
  }

  /** Validates. */
  public ConsolidationPolicy {
    java.util.Objects.requireNonNull(method, "method");
    if (maxBranches < 1) {
      throw new IllegalArgumentException("maxBranches must be >= 1, got " + maxBranches);
    }
    if (!(mergeDistance >= 0 && mergeDistance <= 1)) {
      throw new IllegalArgumentException("mergeDistance must be in [0, 1], got " + mergeDistance);
    }
    if (distillEpochs < 1) {
      throw new IllegalArgumentException("distillEpochs must be >= 1, got " + distillEpochs);
    }
    if (!(minUsageShare >= 0 && minUsageShare <= 1)) {
      throw new IllegalArgumentException("minUsageShare must be in [0, 1], got " + minUsageShare);
    }
    if (!(minGain >= -1 && minGain <= 1)) {
      throw new IllegalArgumentException("minGain must be in [-1, 1], got " + minGain);
    }
  }

  /**
   * @param maxBranches the budget
   * @return merge only above the budget (3 distillation passes), collect branches used for under 1%
   *     of predictions that gain under 2 points
   */
  public static ConsolidationPolicy of(int maxBranches) {
    return new ConsolidationPolicy(maxBranches, 0.0, 3, 0.01, 0.02);
  }

  /**
   * @param m how pairs are merged
   * @return a copy with that merge method
   */
  public ConsolidationPolicy withMethod(MergeMethod m) {
    return new ConsolidationPolicy(
        maxBranches, mergeDistance, distillEpochs, minUsageShare, minGain, m);
  }
}
