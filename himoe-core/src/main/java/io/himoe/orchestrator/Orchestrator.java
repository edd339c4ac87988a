package io.himoe.orchestrator;

import io.himoe.router.RouteResult;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.List;

/**
 * The top of the hierarchy (seed 001 §2.6): picks the router for a request, may chain further
 * stages, turns the stages' results into the answer, names shadow routers to compare off the
 * critical path, and takes feedback. It has no access to experts other than through routers; an
 * architecture test enforces it.
 */
public interface Orchestrator {

  /**
   * @param input the request
   * @param ctx its context
   * @return the router for the first stage
   * @throws io.himoe.shared.MoeError.UnknownRouter if a rule names a router that does not exist
   */
  RouterRef chooseRouter(InputData input, Context ctx);

  /**
   * @return every router this orchestrator can use (for lookups by id and the product surface)
   */
  List<RouterRef> routers();

  /**
   * Further stages after those done so far (multi-stage requests, e.g. routing each step of a
   * plan). Called after every round of stages until it returns none; all stages share the request's
   * deadline.
   *
   * @param input the original request
   * @param done the results of the stages so far, in order
   * @param ctx the request context
   * @return the next stages, run in order; empty when the request is complete
   */
  default List<Stage> nextStages(InputData input, List<RouteResult> done, Context ctx) {
    return List.of();
  }

  /**
   * Turns the stages' results into the answer.
   *
   * @param input the original request
   * @param stages every stage's result, in order (at least one)
   * @param ctx the request context
   * @return the answer; by default the last stage's value
   */
  default Value synthesize(InputData input, List<RouteResult> stages, Context ctx) {
    return stages.getLast().value();
  }

  /**
   * Turns the stages' results into the answer when some later stages failed (and the engine answers
   * with what completed). By default the failures are left out: {@link #synthesize(InputData, List,
   * Context)} of the completed stages.
   *
   * @param input the original request
   * @param stages the completed stages' results, in order (at least the first)
   * @param failed the later stages that failed, each with its position among all stages
   * @param ctx the request context
   * @return the answer
   */
  default Value synthesize(
      InputData input, List<RouteResult> stages, List<StageFailure> failed, Context ctx) {
    return synthesize(input, stages, ctx);
  }

  /**
   * @param input the request
   * @param primary the router that answers it
   * @return routers to run as shadows after the answer, budget permitting; none by default
   */
  default List<RouterRef> shadows(InputData input, RouterRef primary) {
    return List.of();
  }

  /**
   * @return the judge comparing a shadow's result with the primary's
   */
  default ShadowJudge shadowJudge() {
    return ShadowJudge.byConfidence(0.05);
  }

  /**
   * Receives the outcome of shadow comparisons and callers' rewards.
   *
   * @param feedback the feedback
   */
  default void feedback(OrchestrationFeedback feedback) {}
}
