package io.himoe.engine;

import io.himoe.orchestrator.Orchestrator;
import io.himoe.orchestrator.RouterRef;
import io.himoe.orchestrator.Stage;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's path through the orchestrator (seed 001 §5): choose the primary router, route,
 * chain the further stages the orchestrator asks for (plan steps, chained routers), synthesize.
 * Checks the deadline and the cancel token before each step.
 */
final class RequestPipeline {

  /**
   * What a request went through.
   *
   * @param primary the primary router
   * @param results each stage's result, the primary's first
   * @param routers each stage's router
   * @param labels each stage's label ({@code main}, {@code step 2/3}, ...)
   * @param gateVersions each stage's router's learned-state version when it decided (empty for a
   *     router that does not learn)
   * @param value the synthesized answer
   */
  record Routed(
      RouterRef primary,
      List<RouteResult> results,
      List<Router> routers,
      List<String> labels,
      List<String> gateVersions,
      Value value) {

    double costUnits() {
      double c = 0;
      for (RouteResult r : results) {
        c += r.out().mix().costTotal();
      }
      return c;
    }
  }

  private final Orchestrator orchestrator;
  private final int maxStageRounds;

  RequestPipeline(Orchestrator orchestrator, int maxStageRounds) {
    this.orchestrator = orchestrator;
    this.maxStageRounds = maxStageRounds;
  }

  Routed run(InputData input, Context ctx) {
    ctx.checkAlive("orchestrate");
    RouterRef primary = orchestrator.chooseRouter(input, ctx);
    List<RouteResult> results = new ArrayList<>(2);
    List<Router> routers = new ArrayList<>(2);
    List<String> labels = new ArrayList<>(2);
    List<String> versions = new ArrayList<>(2);
    versions.add(primary.router().gateVersion().orElse(""));
    results.add(primary.router().route(input, ctx));
    routers.add(primary.router());
    labels.add("main");
    for (int round = 0; round < maxStageRounds; round++) {
      List<Stage> next = orchestrator.nextStages(input, List.copyOf(results), ctx);
      if (next.isEmpty()) {
        break;
      }
      for (Stage s : next) {
        ctx.checkAlive(s.label());
        // Only the first stage streams: later stages answer parts, not the whole.
        versions.add(s.router().router().gateVersion().orElse(""));
        results.add(s.router().router().route(s.input(), ctx.withoutTokens()));
        routers.add(s.router().router());
        labels.add(s.label());
      }
    }
    ctx.cancel().throwIfCancelled("synthesize");
    Value value = orchestrator.synthesize(input, List.copyOf(results), ctx.withoutTokens());
    return new Routed(
        primary,
        List.copyOf(results),
        List.copyOf(routers),
        List.copyOf(labels),
        List.copyOf(versions),
        value);
  }
}
