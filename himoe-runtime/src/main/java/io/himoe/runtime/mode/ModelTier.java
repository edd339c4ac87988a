package io.himoe.runtime.mode;

/**
 * Which size of model a mode asks a token-producing expert to use (e.g. a small vs a large LLM
 * endpoint; for the bundled n-gram generator, the n-gram order).
 */
public enum ModelTier {
  /** The smallest, cheapest model. */
  SMALL,
  /** A mid-size model. */
  MEDIUM,
  /** The largest model. */
  LARGE
}
