package io.himoe.branches.model;

/** How a branch stores its weights. */
public enum BranchKind {
  /** A full copy of each branched layer's weights. */
  FULL,
  /**
   * A low-rank delta {@code W = W_base + A·B} (LoRA-style) over a base shared by every branch, plus
   * its own bias; the base is trained with the first branch and frozen once a second branch exists,
   * which keeps memory at {@code rank·(in+out)} floats per layer and branch.
   */
  LOW_RANK
}
