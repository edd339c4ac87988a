package io.himoe.router.aggregation;

import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.List;

/**
 * Combines the answers of the experts a router called into one value (seed 001 §2.5). Built-in
 * strategies are in {@link Aggregators}.
 */
public interface Aggregator {

  /**
   * @return a stable id for traces and configuration
   */
  String id();

  /**
   * Combines answers.
   *
   * @param input the request's input (synthesis uses it)
   * @param answered the experts that answered, at least one
   * @param weights the gate's weights over all candidates, after the policy
   * @param ctx the request context
   * @return one value with the alternatives and the aggregator's part of {@link MixMeta}
   *     (disagreement and confidence); the router fills in the rest of the telemetry
   * @throws io.himoe.shared.MoeError.AggregationFailed if {@code answered} is empty or cannot be
   *     combined
   */
  AggregatedOut combine(
      InputData input, List<ExpertOutcome.Answered> answered, GateWeights weights, Context ctx);

  /**
   * @return how the router should call the picked experts for this aggregator; parallel by default
   */
  default CallMode callMode() {
    return CallMode.parallel();
  }
}
