package io.himoe.engine;

import io.himoe.router.aggregation.MixMeta;
import java.util.List;

/**
 * What one routing stage did.
 *
 * @param label the stage ({@code main}, {@code step 1/3}, ...)
 * @param routerId the router
 * @param input the stage's input, shortened
 * @param aggregator the aggregation strategy
 * @param experts the called experts first (in weight order), then the best-weighted others (at most
 *     {@link DecisionTrace#MAX_UNPICKED} of them)
 * @param shrink why top-k shrank, or empty
 * @param answer the stage's answer, rendered
 * @param mix the mixture telemetry
 * @param gateVersion the version of the router's learned state that decided ({@code
 *     Router.gateVersion()}, e.g. {@code 3f2a9c1b.412}), empty for a router that does not learn
 */
public record StageTrace(
    String label,
    String routerId,
    String input,
    String aggregator,
    List<ExpertTrace> experts,
    String shrink,
    String answer,
    MixMeta mix,
    String gateVersion) {

  /** Copies. */
  public StageTrace {
    experts = List.copyOf(experts);
  }
}
