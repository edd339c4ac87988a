package io.himoe.runtime.integration;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;

/**
 * An expert that adapts to the performance mode: it receives the mode's profile (token budget
 * {@link PerformanceProfile#maxTokens()}, model {@link PerformanceProfile#tier()}, memory per
 * token) with each call. Wrapped in a {@link RuntimeExpert}, it gets the profile of the request's
 * decision; called through {@link #infer(InputData, Context)}, the profile of the decision stored
 * in the context, else the BALANCED defaults.
 */
public interface ModeAwareExpert extends Expert {

  /**
   * Answers one input within a profile.
   *
   * @param input the input
   * @param ctx the request context
   * @param profile the mode's profile to respect
   * @return the answer
   * @throws Exception any failure; the router turns it into a failed outcome
   */
  ExpertOut infer(InputData input, Context ctx, PerformanceProfile profile) throws Exception;

  /**
   * Answers in the request's mode when a {@link ModeCappedRouter} stored its decision in the
   * context (so a mode-aware expert behind wrappers that do not know the runtime still follows it),
   * else with the BALANCED defaults.
   */
  @Override
  default ExpertOut infer(InputData input, Context ctx) throws Exception {
    return infer(
        input,
        ctx,
        RuntimeDecision.of(ctx)
            .map(RuntimeDecision::profile)
            .orElseGet(() -> PerformanceProfile.ofDefaults(PerformanceMode.BALANCED)));
  }
}
