package io.himoe.router.aggregation;

/** How a router calls the experts it picked, as an aggregator requires. */
public sealed interface CallMode {

  /** All picked experts at once, each on its own virtual thread. */
  record Parallel() implements CallMode {}

  /**
   * One after the other in gate order, stopping at the first answer whose confidence reaches the
   * threshold (cheap experts first when the gate ranks them first).
   *
   * @param threshold confidence in [0, 1] that ends the cascade
   */
  record Cascade(double threshold) implements CallMode {
    /** Validates. */
    public Cascade {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException("cascade threshold must be in [0, 1], got " + threshold);
      }
    }
  }

  /**
   * @return parallel calls
   */
  static CallMode parallel() {
    return new Parallel();
  }
}
