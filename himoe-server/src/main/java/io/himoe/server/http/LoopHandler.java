package io.himoe.server.http;

import io.himoe.learning.shadow.PairRecord;
import io.himoe.server.loop.ExperimentView;
import io.himoe.server.loop.LearningLoop;
import io.himoe.server.loop.ShadowCredits;
import io.himoe.server.loop.ShadowEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The learning loop's views and actions: {@code /v1/experiments} (A/B rollouts: list, one, stop and
 * promote, the actions behind the admin key) and {@code /v1/shadows} (shadow credit: win records,
 * promotions; admin).
 */
final class LoopHandler {

  /**
   * The body of {@code POST /v1/experiments/{name}/promote}.
   *
   * @param router the arm to promote
   */
  record PromoteRequest(String router) {}

  /**
   * The experiments.
   *
   * @param experiments each experiment, in configuration order
   */
  record ExperimentList(List<ExperimentView> experiments) {}

  /**
   * The shadow credit.
   *
   * @param settings how credit and promotion work
   * @param pairs each (primary, shadow) pair's record
   * @param promotions demoted router to the router serving its requests now
   * @param events promotions and would-be promotions, oldest first
   * @param skipped feedbacks not credited because the queue was full
   */
  record ShadowsView(
      ShadowCredits.Settings settings,
      List<PairRecord> pairs,
      Map<String, String> promotions,
      List<ShadowEvent> events,
      long skipped) {}

  private final LearningLoop loop;
  private final JsonBodies bodies;
  private final ApiKeys keys;

  LoopHandler(LearningLoop loop, JsonBodies bodies, ApiKeys keys) {
    this.loop = loop;
    this.bodies = bodies;
    this.keys = keys;
  }

  void experiments(Context ctx) throws IOException {
    Responses.json(ctx, 200, new ExperimentList(loop.experiments().views()));
  }

  void experiment(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    Responses.json(
        ctx,
        200,
        loop.experiments()
            .view(name)
            .orElseThrow(
                () ->
                    ApiError.notFound(
                        "experiment_not_found", "no experiment named '" + name + "'")));
  }

  void stop(Context ctx) throws IOException {
    keys.check(ctx, ApiKeys.Route.ADMIN);
    String name = known(ctx);
    Responses.json(ctx, 200, loop.experiments().stop(name));
  }

  void promote(Context ctx) throws IOException {
    keys.check(ctx, ApiKeys.Route.ADMIN);
    String name = known(ctx);
    PromoteRequest b = bodies.read(ctx, PromoteRequest.class);
    if (b.router() == null || b.router().isBlank()) {
      throw ApiError.invalid("router", "expected the arm to promote");
    }
    try {
      Responses.json(ctx, 200, loop.experiments().promote(name, b.router()));
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid("router", ApiError.messageOf(e).replaceFirst("^router: ", ""));
    }
  }

  private String known(Context ctx) {
    String name = ctx.pathParam("name");
    if (loop.experiments().view(name).isEmpty()) {
      throw ApiError.notFound("experiment_not_found", "no experiment named '" + name + "'");
    }
    return name;
  }

  void shadows(Context ctx) throws IOException {
    keys.check(ctx, ApiKeys.Route.ADMIN);
    ShadowCredits s = loop.shadows();
    Responses.json(
        ctx,
        200,
        new ShadowsView(
            s.settings(), s.records(), loop.promotions().current(), s.events(), s.skipped()));
  }
}
