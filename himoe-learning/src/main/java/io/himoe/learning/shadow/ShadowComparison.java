package io.himoe.learning.shadow;

import java.util.List;
import java.util.Objects;

/**
 * One feedback-scored comparison of a shadow router with the primary.
 *
 * @param traceId the request
 * @param primary the primary router
 * @param shadow the shadow router
 * @param outcome who did better
 * @param basis how the scores were obtained: {@code best_expert} (the caller named the right
 *     expert: exact), {@code same_experts} (the shadow picks what the primary called: the reward is
 *     the shadow's too), {@code estimated} (the shadow picks other experts: their mean reward so
 *     far stands for what they would have earned)
 * @param primaryScore the primary's score, in [0, 1]
 * @param shadowScore the shadow's score, in [0, 1]
 * @param shadowPicks the experts the shadow would have called
 */
public record ShadowComparison(
    String traceId,
    String primary,
    String shadow,
    ShadowOutcome outcome,
    String basis,
    double primaryScore,
    double shadowScore,
    List<String> shadowPicks) {

  /** Validates and copies. */
  public ShadowComparison {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(shadow, "shadow");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(basis, "basis");
    shadowPicks = List.copyOf(shadowPicks);
  }
}
