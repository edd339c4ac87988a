package io.himoe.server.http;

import io.himoe.server.assembly.Assembly;
import io.himoe.shared.Context;
import io.himoe.shared.CostBudget;
import io.himoe.shared.MoeError;
import java.time.InstantSource;
import java.util.Objects;

/** Builds the engine context of an API request: its router (the {@code model}) and its budgets. */
final class RequestContexts {

  private RequestContexts() {}

  /**
   * @param assembly the engine
   * @param traceId the request's trace id
   * @param model a router id, {@code himoe} or null
   * @return the request's context
   * @throws ApiError 404 {@code model_not_found} naming the known models
   */
  static Context of(Assembly assembly, String traceId, String model) {
    try {
      return assembly.newContext(traceId, model);
    } catch (MoeError.UnknownRouter e) {
      throw new ApiError(
          404,
          "model_not_found",
          "model",
          "model: "
              + e.getMessage().replace("unknown router", "unknown model")
              + "; a model names a router, or 'himoe' to let the orchestrator choose");
    }
  }

  /**
   * Applies the client's own limits, which can only tighten the server's: a deadline ({@code
   * X-Himoe-Deadline-Ms} header or {@code himoe.deadline_ms}) and a cost ceiling ({@code
   * X-Himoe-Max-Cost} or {@code himoe.max_cost}).
   *
   * @param mctx the request's context with the server's budgets
   * @param http the HTTP request
   * @param options the body's {@code himoe} object, or null
   * @param clock the server's clock
   * @return the context with the tighter limits
   * @throws ApiError 400 naming a malformed header or field
   */
  static Context withClientLimits(
      Context mctx,
      io.javalin.http.Context http,
      ChatRequest.HimoeOptions options,
      InstantSource clock) {
    Long deadlineMs = options == null ? null : options.deadlineMs();
    String param = "himoe.deadline_ms";
    String h = http.header("X-Himoe-Deadline-Ms");
    if (h != null) {
      deadlineMs = positiveLong(h, "X-Himoe-Deadline-Ms");
      param = "X-Himoe-Deadline-Ms";
    }
    if (deadlineMs != null) {
      if (deadlineMs <= 0) {
        throw ApiError.invalid(param, "expected a time in ms > 0, got " + deadlineMs);
      }
      mctx = mctx.withDeadline(clock.instant().plusMillis(deadlineMs));
    }
    Double maxCost = options == null ? null : options.maxCost();
    param = "himoe.max_cost";
    String c = http.header("X-Himoe-Max-Cost");
    if (c != null) {
      try {
        maxCost = Double.parseDouble(c.strip());
      } catch (NumberFormatException e) {
        throw ApiError.invalid("X-Himoe-Max-Cost", "expected cost units >= 0, got '" + c + "'");
      }
      param = "X-Himoe-Max-Cost";
    }
    if (maxCost != null) {
      if (!(maxCost >= 0) || maxCost.isInfinite()) {
        throw ApiError.invalid(param, "expected cost units >= 0, got " + maxCost);
      }
      CostBudget server = mctx.costBudget();
      double cap = server.isUnlimited() ? maxCost : Math.min(maxCost, server.remaining());
      mctx = mctx.withCostBudget(CostBudget.of(cap));
    }
    return mctx;
  }

  private static long positiveLong(String v, String param) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw ApiError.invalid(param, "expected a time in ms > 0, got '" + v + "'");
    }
  }

  /**
   * @param ctx the HTTP request
   * @return its trace id (set by the server before the handler runs)
   */
  static String traceId(io.javalin.http.Context ctx) {
    return Objects.requireNonNull(
        ctx.attribute(HimoeServer.MDC_TRACE), "the server sets the trace id before any handler");
  }
}
