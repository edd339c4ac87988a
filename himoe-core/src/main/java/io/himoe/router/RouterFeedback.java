package io.himoe.router;

import io.himoe.experts.ExpertId;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Feedback to a router's gate about one past decision (seed 001 {@code RouterFeedback}), joined by
 * trace id to what the router saw and chose, so that a learning gate can compute its gradient:
 * {@code loss = task_loss + λ·load_balance + μ·entropy}. Only the task term comes from outside: the
 * load-balance and entropy terms are the gate's own (its load window and its probabilities on
 * {@code input}), weighted by its own λ and μ.
 *
 * @param traceId the request's trace id
 * @param input what the gate saw (encoded when the router encodes)
 * @param weights the gate's weights at decision time, after the policy
 * @param chosen the experts called, in weight order
 * @param reward the observed quality of the answer, when known (typically in [0, 1])
 * @param target the expert that should have been chosen, when known (labelled data, a shadow's
 *     better decision)
 * @param taskLoss the final-quality loss reported by the orchestrator ({@code 1 - reward} when only
 *     a reward is known)
 * @param utilByExpert usage share per expert in this request, for load balancing
 */
public record RouterFeedback(
    String traceId,
    RouterInput input,
    GateScores weights,
    List<ExpertId> chosen,
    OptionalDouble reward,
    Optional<ExpertId> target,
    double taskLoss,
    Map<ExpertId, Double> utilByExpert) {

  /** Validates and copies. */
  public RouterFeedback {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(weights, "weights");
    chosen = List.copyOf(chosen);
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(target, "target");
    if (reward.isPresent() && !Double.isFinite(reward.getAsDouble())) {
      throw new IllegalArgumentException("reward must be finite, got " + reward.getAsDouble());
    }
    if (!Double.isFinite(taskLoss)) {
      throw new IllegalArgumentException("task_loss must be finite, got " + taskLoss);
    }
    utilByExpert = Map.copyOf(utilByExpert);
  }
}
