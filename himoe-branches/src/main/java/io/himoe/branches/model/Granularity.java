package io.himoe.branches.model;

/** Which layers of the network have one weight version per branch; the others are shared. */
public enum Granularity {
  /** Every layer is branched: a branch is a whole copy (or delta) of the block. */
  BLOCK,
  /** The hidden layers (the MLP) are branched; the output head is shared. */
  HIDDEN,
  /** Only the output layer is branched; the hidden layers are a shared trunk. */
  HEAD;

  /**
   * @param layer layer index, 0 = first
   * @param layers number of layers
   * @return whether that layer has a weight version per branch
   */
  public boolean branched(int layer, int layers) {
    return switch (this) {
      case BLOCK -> true;
      case HIDDEN -> layer < layers - 1;
      case HEAD -> layer == layers - 1;
    };
  }
}
