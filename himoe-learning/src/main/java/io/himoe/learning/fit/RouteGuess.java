package io.himoe.learning.fit;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A fitted gate's guess for one text.
 *
 * @param label the route, or empty when the text was rejected as out of scope (confidence below the
 *     calibrated threshold)
 * @param confidence the top probability
 * @param topLabel the most probable route, even when rejected
 * @param probabilities one probability per route, indexed as {@link FittedRoutes#labels()}
 */
public record RouteGuess(
    Optional<String> label, double confidence, String topLabel, double[] probabilities) {

  /** Validates and copies. */
  public RouteGuess {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(topLabel, "topLabel");
    probabilities = probabilities.clone();
  }

  /**
   * @return a copy of the probabilities
   */
  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  /**
   * @return whether the text was rejected as out of scope
   */
  public boolean rejected() {
    return label.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteGuess g
        && g.label.equals(label)
        && g.confidence == confidence
        && g.topLabel.equals(topLabel)
        && Arrays.equals(g.probabilities, probabilities);
  }

  @Override
  public int hashCode() {
    return Objects.hash(label, confidence, topLabel) * 31 + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return "RouteGuess["
        + label.orElse("<rejected>")
        + ", top="
        + topLabel
        + ", p="
        + confidence
        + "]";
  }
}
