package io.himoe.eval.metrics;

import java.util.Objects;
import java.util.Optional;

/**
 * How a router handled one test row.
 *
 * @param gold the gold label
 * @param predicted the label the router chose, or empty when it rejected the row as out of scope
 * @param topLabel the most probable label, even when the row was rejected
 * @param confidence the probability of {@code topLabel}, in [0, 1]
 */
public record Routed(String gold, Optional<String> predicted, String topLabel, double confidence) {

  /** Validates. */
  public Routed {
    Objects.requireNonNull(gold, "gold");
    Objects.requireNonNull(predicted, "predicted");
    Objects.requireNonNull(topLabel, "topLabel");
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
    }
  }
}
