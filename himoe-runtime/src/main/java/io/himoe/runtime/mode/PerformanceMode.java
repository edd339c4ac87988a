package io.himoe.runtime.mode;

/** How many resources a request may use, from least to most. */
public enum PerformanceMode {
  /** Save energy: one call at a time, small model, short answers, cache on. */
  ECO,
  /** The default. */
  BALANCED,
  /** More concurrency, a larger model, fresh answers (no cache). */
  PERFORMANCE,
  /** Everything available. */
  MAXIMUM;

  /**
   * @return the next mode down, or ECO
   */
  public PerformanceMode lower() {
    return this == ECO ? ECO : values()[ordinal() - 1];
  }
}
