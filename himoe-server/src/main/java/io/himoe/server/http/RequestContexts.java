package io.himoe.server.http;

import io.himoe.server.assembly.Assembly;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;

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
   * @param ctx the HTTP request
   * @return its trace id (set by the server before the handler runs)
   */
  static String traceId(io.javalin.http.Context ctx) {
    return ctx.attribute(HimoeServer.MDC_TRACE);
  }
}
