package io.himoe.engine;

import io.himoe.orchestrator.Orchestrator;
import io.himoe.orchestrator.RouterRef;
import io.himoe.orchestrator.Stage;
import io.himoe.orchestrator.StageFailure;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.shared.Context;
import io.himoe.shared.CpuMeter;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's path through the orchestrator (seed 001 §5): choose the primary router, route,
 * chain the further stages the orchestrator asks for (plan steps, chained routers), synthesize.
 * Checks the deadline and the cancel token before each step.
 *
 * <p>Each stage's router re-routes a failing call itself. A later stage that still fails ends the
 * request with its error under {@link OnStepFailure#FAIL}; under {@link OnStepFailure#PARTIAL} it
 * is kept as a {@link StageFailure}, the other stages of its round still run, no further round is
 * chained, and the orchestrator synthesizes the answer from what completed. The first stage's
 * failure, and a cancel, always end the request.
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
   * @param failures the later stages that failed (with {@link OnStepFailure#PARTIAL})
   * @param value the synthesized answer
   */
  record Routed(
      RouterRef primary,
      List<RouteResult> results,
      List<Router> routers,
      List<String> labels,
      List<String> gateVersions,
      List<StageFailure> failures,
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
  private final OnStepFailure onStepFailure;

  RequestPipeline(Orchestrator orchestrator, int maxStageRounds, OnStepFailure onStepFailure) {
    this.orchestrator = orchestrator;
    this.maxStageRounds = maxStageRounds;
    this.onStepFailure = onStepFailure;
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
    List<StageFailure> failures = new ArrayList<>(0);
    for (int round = 0; round < maxStageRounds && failures.isEmpty(); round++) {
      List<Stage> next = orchestrator.nextStages(input, List.copyOf(results), ctx);
      if (next.isEmpty()) {
        break;
      }
      for (Stage s : next) {
        int position = results.size() + failures.size();
        try {
          ctx.checkAlive(s.label());
          CpuMeter.checkBudget(s.label());
          String version = s.router().router().gateVersion().orElse("");
          // Only the first stage streams: later stages answer parts, not the whole.
          results.add(s.router().router().route(s.input(), ctx.withoutTokens()));
          versions.add(version);
          routers.add(s.router().router());
          labels.add(s.label());
        } catch (MoeError e) {
          // A spent CPU budget or a cancel ends the request, not just this step.
          if (onStepFailure == OnStepFailure.FAIL
              || e instanceof MoeError.Cancelled
              || e instanceof MoeError.CpuBudgetExceeded) {
            throw e;
          }
          failures.add(new StageFailure(s, position, e));
        }
      }
    }
    ctx.cancel().throwIfCancelled("synthesize");
    CpuMeter.checkBudget("synthesize");
    Value value =
        orchestrator.synthesize(
            input, List.copyOf(results), List.copyOf(failures), ctx.withoutTokens());
    return new Routed(
        primary,
        List.copyOf(results),
        List.copyOf(routers),
        List.copyOf(labels),
        List.copyOf(versions),
        List.copyOf(failures),
        value);
  }
}
