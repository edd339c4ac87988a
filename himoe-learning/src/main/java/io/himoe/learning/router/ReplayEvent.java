package io.himoe.learning.router;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A stored feedback event, as a durable feedback log keeps it, to retrain a router offline.
 *
 * @param text the request text, not blank
 * @param bestExpert the expert that should have answered, when known
 * @param reward the observed reward of the answer, when known
 * @param chosen the experts that answered, by name (needed with a reward only)
 */
public record ReplayEvent(
    String text, Optional<String> bestExpert, OptionalDouble reward, List<String> chosen) {

  /** Validates and copies. */
  public ReplayEvent {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("replay event: text is empty");
    }
    Objects.requireNonNull(bestExpert, "bestExpert");
    Objects.requireNonNull(reward, "reward");
    chosen = List.copyOf(chosen);
    if (bestExpert.isEmpty() && (reward.isEmpty() || chosen.isEmpty())) {
      throw new IllegalArgumentException(
          "replay event: needs a best expert, or a reward and the chosen experts");
    }
  }

  /**
   * @param text the request
   * @param expert the expert that should have answered
   * @return a labelled event
   */
  public static ReplayEvent labelled(String text, String expert) {
    return new ReplayEvent(text, Optional.of(expert), OptionalDouble.empty(), List.of());
  }

  /**
   * @param text the request
   * @param chosen the expert that answered
   * @param reward its reward
   * @return a reward event
   */
  public static ReplayEvent rewarded(String text, String chosen, double reward) {
    return new ReplayEvent(text, Optional.empty(), OptionalDouble.of(reward), List.of(chosen));
  }
}
