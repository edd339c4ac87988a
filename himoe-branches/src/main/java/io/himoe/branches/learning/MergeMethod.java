package io.himoe.branches.learning;

/** How {@link ContinualLearner#consolidate} merges two close branches. */
public enum MergeMethod {
  /**
   * The kept branch trains on both branches' remembered episodes labelled by each teacher's own
   * prediction: uses the data, costs training passes.
   */
  DISTILL,
  /**
   * Truncated SVD of the two deltas to the network's rank ({@link
   * io.himoe.branches.model.BranchedNetwork#mergeSvd}): no data, no training, exact for identical
   * branches.
   */
  SVD
}
