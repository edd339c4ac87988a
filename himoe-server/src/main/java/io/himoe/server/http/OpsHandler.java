package io.himoe.server.http;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.metrics.DashboardState;
import io.himoe.server.store.StoreHealth;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Operations: health and readiness probes, Prometheus metrics and the dashboard. */
final class OpsHandler {

  /**
   * The readiness reply.
   *
   * @param status {@code ready}, or {@code degraded} while the shared store is down (the replica
   *     still serves, from its last loaded state)
   * @param store the store's state
   * @param routers how many routers are configured
   * @param experts how many experts are registered
   */
  record Ready(String status, StoreHealth store, int routers, int experts) {}

  private static final Set<String> ASSETS = Set.of("app.js", "app.css");

  private final Assembly assembly;
  private final DashboardState dashboard;
  private final PrometheusMeterRegistry registry;
  private final Supplier<StoreHealth> storeHealth;
  private final ApiKeys keys;
  private final Runnable beforeScrape;
  private volatile boolean ready;

  OpsHandler(
      Assembly assembly,
      DashboardState dashboard,
      PrometheusMeterRegistry registry,
      Supplier<StoreHealth> storeHealth,
      ApiKeys keys,
      Runnable beforeScrape) {
    this.keys = keys;
    this.beforeScrape = beforeScrape;
    this.assembly = assembly;
    this.dashboard = dashboard;
    this.registry = registry;
    this.storeHealth = storeHealth;
  }

  void ready(boolean r) {
    this.ready = r;
  }

  void metrics(Context ctx) {
    beforeScrape.run();
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
    ctx.result(registry.scrape());
  }

  void health(Context ctx) throws IOException {
    Responses.json(ctx, 200, Map.of("status", "ok"));
  }

  void ready(Context ctx) throws IOException {
    if (!ready) {
      throw new ApiError(503, "not_ready", "the server is starting or stopping");
    }
    StoreHealth sh = storeHealth.get();
    // A degraded replica stays ready: it serves from its last loaded state, and says so.
    Responses.json(
        ctx,
        200,
        new Ready(
            sh.degraded() ? "degraded" : "ready",
            sh,
            assembly.routerIds().size(),
            assembly.experts().size()));
  }

  void dashboard(Context ctx) throws IOException {
    DashboardState.Snapshot s = dashboard.snapshot();
    // The decision feed shows inputs and answers: with keys configured, only to a key holder.
    boolean hidden = keys.keysInUse() && ctx.header("Authorization") == null;
    if (!hidden) {
      keys.identify(ctx);
    }
    Responses.json(
        ctx,
        200,
        new Dashboard(
            hidden ? List.of() : s.decisions(),
            hidden,
            s.series(),
            s.experts(),
            s.shadows(),
            s.budget()));
  }

  /**
   * The dashboard's data.
   *
   * @param decisions the latest decisions (empty when hidden)
   * @param decisionsHidden whether the decisions were left out because the request had no key
   * @param series the charts' points
   * @param experts per-expert figures
   * @param shadows per-shadow figures
   * @param budget spending
   */
  record Dashboard(
      List<DashboardState.Decision> decisions,
      boolean decisionsHidden,
      List<DashboardState.Point> series,
      java.util.Map<String, DashboardState.ExpertFigures> experts,
      java.util.Map<String, DashboardState.ShadowFigures> shadows,
      DashboardState.Budget budget) {}

  void dashboardPage(Context ctx) throws IOException {
    resource(ctx, "index.html", "text/html; charset=utf-8");
  }

  void dashboardAsset(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    if (!ASSETS.contains(file)) {
      throw ApiError.notFound("not_found", "no dashboard file '" + file + "'");
    }
    resource(
        ctx,
        file,
        file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
  }

  private static void resource(Context ctx, String file, String type) throws IOException {
    try (InputStream in =
        OpsHandler.class.getResourceAsStream("/io/himoe/server/dashboard/" + file)) {
      if (in == null) {
        throw ApiError.notFound("not_found", "no dashboard file '" + file + "'");
      }
      ctx.contentType(type);
      ctx.result(in.readAllBytes());
    }
  }
}
