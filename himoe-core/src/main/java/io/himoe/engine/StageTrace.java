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
 * @param answer the stage's answer, rendered (empty when it failed)
 * @param mix the mixture telemetry
 * @param gateVersion the version of the router's learned state that decided ({@code
 *     Router.gateVersion()}, e.g. {@code 3f2a9c1b.412}), empty for a router that does not learn
 * @param error why the stage failed after its router re-routed it (a later stage kept by {@link
 *     OnStepFailure#PARTIAL}), with its code first ({@code no_expert_answered: ...}); empty when it
 *     answered
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
    String gateVersion,
    String error) {

  /** Copies. */
  public StageTrace {
    experts = List.copyOf(experts);
    gateVersion = gateVersion == null ? "" : gateVersion;
    error = error == null ? "" : error;
  }

  /**
   * A stage that answered.
   *
   * @param label the stage
   * @param routerId the router
   * @param input the stage's input, shortened
   * @param aggregator the aggregation strategy
   * @param experts the called experts first, then the best-weighted others
   * @param shrink why top-k shrank, or empty
   * @param answer the stage's answer, rendered
   * @param mix the mixture telemetry
   * @param gateVersion the version of the router's learned state that decided, or empty
   */
  public StageTrace(
      String label,
      String routerId,
      String input,
      String aggregator,
      List<ExpertTrace> experts,
      String shrink,
      String answer,
      MixMeta mix,
      String gateVersion) {
    this(label, routerId, input, aggregator, experts, shrink, answer, mix, gateVersion, "");
  }

  /**
   * @return whether the stage failed
   */
  public boolean failed() {
    return !error.isEmpty();
  }
}
