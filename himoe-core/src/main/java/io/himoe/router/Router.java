package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.aggregation.Synthesizer;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import java.util.ArrayList;
import java.util.List;

/**
 * A router (seed 001 §2.5): scores its experts for an input, then — through {@link #route} —
 * applies the gating policy, picks the top k within the budget, calls them in parallel under the
 * deadline and aggregates their answers. Only routers call experts; orchestrators reach experts
 * through a router.
 *
 * <p>An implementation provides {@link #id}, {@link #experts}, {@link #config} and {@link #gate};
 * learning routers also override {@link #trainSignal}. Implementations must be thread-safe.
 */
public interface Router {

  /**
   * @return the router's id, unique within an orchestrator
   */
  String id();

  /**
   * @return the experts this router gates over
   */
  ExpertRegistry experts();

  /**
   * @return top-k, policy, aggregator and encoder
   */
  RouterConfig config();

  /**
   * Scores the experts for one input.
   *
   * @param input raw or encoded input (encoded when {@link RouterConfig#encoder()} is set)
   * @param ctx the request context
   * @return a raw score (logit) per candidate expert; -infinity excludes an expert
   */
  GateScores gate(RouterInput input, Context ctx);

  /**
   * Learns from feedback on a past decision; a no-op for symbolic routers.
   *
   * @param feedback the feedback
   */
  default void trainSignal(RouterFeedback feedback) {}

  /**
   * Told which experts a real routing decision calls (after the budget shrank top-k), just before
   * they are called. Previews ({@code /v1/route}), shadow-credit computations and replays call
   * {@link #gate} without it, so load statistics count real traffic only. A no-op by default;
   * decorators forward it to the router they wrap.
   *
   * @param called the experts about to be called, in weight order
   */
  default void onRouted(List<ExpertRef> called) {}

  /**
   * The version of the learned state that makes this router's decisions, for decision traces
   * ("which gate decided"); it changes whenever the state learns. Empty for routers that do not
   * learn. Decorators forward it.
   *
   * @return the version, or empty
   */
  default java.util.Optional<String> gateVersion() {
    return java.util.Optional.empty();
  }

  /**
   * Maps the first {@code k} entries of sorted weights to registered experts (no budget check;
   * {@link #route} shrinks for the budget).
   *
   * @param weights weights sorted by the policy
   * @param k requested experts, clamped to [1, n]
   * @return the picked experts, in weight order
   * @throws MoeError.NoExpertSelected when no scored expert is registered
   */
  default List<ExpertRef> pickTopK(GateScores weights, int k) {
    List<ExpertRef> out = new ArrayList<>();
    int want = Math.max(1, Math.min(k, weights.size()));
    for (GateScores.Score s : weights.scores()) {
      if (out.size() == want) {
        break;
      }
      experts().byId(s.id()).ifPresent(out::add);
    }
    if (out.isEmpty()) {
      throw new MoeError.NoExpertSelected("router '" + id() + "' has no registered candidate");
    }
    return out;
  }

  /**
   * Calls experts in parallel, each on its own virtual thread, bounded by the request's deadline;
   * late calls are interrupted, their token cancelled, and reported as dropped.
   *
   * @param picked the experts
   * @param input the input
   * @param ctx the request context
   * @return one outcome per expert, in the same order
   */
  default List<ExpertOutcome> callExperts(List<ExpertRef> picked, InputData input, Context ctx) {
    return RouteLoop.callParallel(this, picked, input, ctx);
  }

  /**
   * Runs the whole routing loop for one input: encode if needed, gate, policy, top-k within the
   * budget, call, aggregate. Checks the remaining time before each step.
   *
   * @param input the input
   * @param ctx the request context
   * @return the result, with everything the router did
   * @throws MoeError if no expert could be selected or answered, or the deadline or budget ran out
   */
  default RouteResult route(InputData input, Context ctx) {
    return RouteLoop.run(this, input, ctx);
  }

  /**
   * Runs encode, gate, policy and the budgeted top-k as a dry run: no expert is called, no budget
   * reserved, and {@link #onRouted} is not told.
   *
   * @param input the input
   * @param ctx the request context
   * @return what {@link #route} would do
   * @throws MoeError.NoExpertSelected if the router scored no expert
   */
  default RoutePlan preview(InputData input, Context ctx) {
    return RouteLoop.preview(this, input, ctx);
  }

  /**
   * @return this router as the synthesizer of a synthesis aggregation: the prompt is routed like
   *     any request
   */
  default Synthesizer asSynthesizer() {
    return (prompt, ctx) -> route(prompt, ctx).out();
  }
}
