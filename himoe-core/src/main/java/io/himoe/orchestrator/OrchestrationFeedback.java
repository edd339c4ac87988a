package io.himoe.orchestrator;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Feedback to the orchestrator about one request (seed 001 {@code OrchestrationFeedback}): which
 * router answered, whether a shadow router did better, and the observed reward when the caller sent
 * one (so that the choice of router can be learned too).
 *
 * @param traceId the request's trace id
 * @param primaryRouter the router that answered
 * @param shadowsCompared the shadow routers whose results were compared with the primary's
 * @param shadowBetter the id of a shadow router judged better, if any
 * @param reward the caller's reward for the answer, when known
 * @param notes free text (errors, drift, the judge's reasoning)
 */
public record OrchestrationFeedback(
    String traceId,
    String primaryRouter,
    List<String> shadowsCompared,
    Optional<String> shadowBetter,
    OptionalDouble reward,
    Optional<String> notes) {

  /**
   * @param traceId the request's trace id
   * @param primaryRouter the router that answered
   * @param reward the caller's reward
   * @return feedback carrying only a reward
   */
  public static OrchestrationFeedback ofReward(
      String traceId, String primaryRouter, double reward) {
    return new OrchestrationFeedback(
        traceId,
        primaryRouter,
        List.of(),
        Optional.empty(),
        OptionalDouble.of(reward),
        Optional.empty());
  }

  /** Validates. */
  public OrchestrationFeedback {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(primaryRouter, "primaryRouter");
    shadowsCompared = List.copyOf(shadowsCompared);
    Objects.requireNonNull(shadowBetter, "shadowBetter");
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(notes, "notes");
  }
}
