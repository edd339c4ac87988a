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
 */
public record ConsolidationPolicy(
    int maxBranches,
    double mergeDistance,
    int distillEpochs,
    double minUsageShare,
    double minGain) {

  /** Validates. */
  public ConsolidationPolicy {
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
}
