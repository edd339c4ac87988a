package io.himoe.server.assembly;

import io.himoe.orchestrator.OrchestrationFeedback;
import io.himoe.orchestrator.Orchestrator;
import io.himoe.orchestrator.RouterRef;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.orchestrator.ShadowJudge;
import io.himoe.orchestrator.Stage;
import io.himoe.orchestrator.StageFailure;
import io.himoe.router.RouteResult;
import io.himoe.server.loop.LearningLoop;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured rule orchestrator, plus two things: when the request's context names a router (the
 * {@code model} field of an OpenAI-style request), that router handles the first stage instead of
 * the rules' choice; otherwise the learning loop may redirect the rules' choice (a promoted router,
 * an experiment's arm), and the routers demoted in favour of a primary shadow it. Everything else
 * is the rule orchestrator's.
 */
final class ModelOrchestrator implements Orchestrator {

  /** Request-memory key under which the forced router id is stored. */
  static final String FORCED_ROUTER = "himoe.router";

  /**
   * Request-memory key under which the router chosen for the first stage is kept, so that a stream
   * names it in its first chunk, before the answer exists.
   */
  static final String CHOSEN_ROUTER = "himoe.chosen-router";

  private final RuleOrchestrator rules;
  private final LearningLoop loop;

  ModelOrchestrator(RuleOrchestrator rules, LearningLoop loop) {
    this.rules = rules;
    this.loop = loop;
  }

  RuleOrchestrator rules() {
    return rules;
  }

  @Override
  public RouterRef chooseRouter(InputData input, Context ctx) {
    RouterRef chosen =
        ctx.memory()
            .get(FORCED_ROUTER)
            .map(id -> rules.lookup((String) id))
            .orElseGet(
                () -> {
                  RouterRef byRules = rules.chooseRouter(input, ctx);
                  String served = loop.direct(byRules.id(), input, ctx);
                  return served.equals(byRules.id()) ? byRules : rules.lookup(served);
                });
    ctx.memory().put(CHOSEN_ROUTER, chosen.id());
    return chosen;
  }

  @Override
  public List<RouterRef> routers() {
    return rules.routers();
  }

  @Override
  public List<Stage> nextStages(InputData input, List<RouteResult> done, Context ctx) {
    return rules.nextStages(input, done, ctx);
  }

  @Override
  public Value synthesize(InputData input, List<RouteResult> stages, Context ctx) {
    return rules.synthesize(input, stages, ctx);
  }

  @Override
  public Value synthesize(
      InputData input, List<RouteResult> stages, List<StageFailure> failed, Context ctx) {
    return rules.synthesize(input, stages, failed, ctx);
  }

  @Override
  public List<RouterRef> shadows(InputData input, RouterRef primary) {
    List<RouterRef> configured = rules.shadows(input, primary);
    List<String> demoted = loop.promotions().demotedFor(primary.id());
    if (demoted.isEmpty()) {
      return configured;
    }
    List<RouterRef> out = new ArrayList<>(configured);
    for (String d : demoted) {
      if (out.stream().noneMatch(r -> r.id().equals(d))) {
        out.add(rules.lookup(d));
      }
    }
    return out;
  }

  @Override
  public ShadowJudge shadowJudge() {
    return rules.shadowJudge();
  }

  @Override
  public void feedback(OrchestrationFeedback feedback) {
    rules.feedback(feedback);
  }
}
