package io.himoe.experts;

import io.himoe.shared.InputData;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One called expert's share of a caller's feedback, handed to a {@link LearningExpert}.
 *
 * @param traceId the request's trace id (the same {@code ctx.traceId()} the expert answered under)
 * @param routerId the router that called the expert
 * @param input the input the expert answered
 * @param share the expert's weight in the aggregated answer, in [0, 1] (1 when it answered alone)
 * @param reward the caller's reward for the whole answer, in [0, 1], when given
 * @param bestExpert the expert the caller says should have answered, when given
 * @param expected the right answer as the caller states it (a class label, a correction), when
 *     given
 */
public record ExpertFeedback(
    String traceId,
    String routerId,
    InputData input,
    double share,
    OptionalDouble reward,
    Optional<String> bestExpert,
    Optional<String> expected) {

  /** Validates. */
  public ExpertFeedback {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(routerId, "routerId");
    Objects.requireNonNull(input, "input");
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("expert feedback share must be in [0, 1], got " + share);
    }
    Objects.requireNonNull(reward, "reward");
    if (reward.isPresent() && !(reward.getAsDouble() >= 0 && reward.getAsDouble() <= 1)) {
      throw new IllegalArgumentException(
          "expert feedback reward must be in [0, 1], got " + reward.getAsDouble());
    }
    Objects.requireNonNull(bestExpert, "bestExpert");
    Objects.requireNonNull(expected, "expected");
  }

  /**
   * The reward this expert earned, as far as the feedback tells: the caller's reward when given;
   * otherwise 1 if the caller named this expert as the best one, 0 if it named another.
   *
   * @param self this expert's name
   * @return the reward in [0, 1], or empty when the feedback says nothing about quality
   */
  public OptionalDouble rewardFor(String self) {
    if (reward.isPresent()) {
      return reward;
    }
    return bestExpert
        .map(b -> OptionalDouble.of(b.equals(self) ? 1 : 0))
        .orElse(OptionalDouble.empty());
  }
}
