package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.router.aggregation.AggregatedOut;
import io.himoe.shared.RouterInput;
import io.himoe.shared.Value;
import java.util.List;
import java.util.Objects;

/**
 * Everything one router did for one request: what it saw, its raw scores and weights, whom it
 * picked, what happened to each, why top-k shrank, and the aggregated answer.
 *
 * @param routerId the router
 * @param input what the gate saw
 * @param scores raw gate scores
 * @param weights weights after the policy, sorted
 * @param picked the experts called, in weight order
 * @param outcomes one outcome per picked or budget-skipped expert
 * @param shrink why fewer than top-k experts were called, empty when they all were
 * @param out the aggregated answer with its telemetry
 */
public record RouteResult(
    String routerId,
    RouterInput input,
    GateScores scores,
    GateScores weights,
    List<ExpertRef> picked,
    List<ExpertOutcome> outcomes,
    String shrink,
    AggregatedOut out) {

  /** Validates and copies. */
  public RouteResult {
    Objects.requireNonNull(routerId, "routerId");
    Objects.requireNonNull(input, "input");
    picked = List.copyOf(picked);
    outcomes = List.copyOf(outcomes);
    Objects.requireNonNull(shrink, "shrink");
    Objects.requireNonNull(out, "out");
  }

  /**
   * @return the answer
   */
  public Value value() {
    return out.value();
  }
}
