package io.himoe.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.himoe.runtime.memory.MemoryExhaustedException;
import io.himoe.shared.MoeError;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a JSON error in the OpenAI shape, {@code {"error": {"message", "type",
 * "param", "code"}}} (plus the request's {@code trace_id}): refusals ({@link ApiError}), engine
 * errors ({@link MoeError}), Javalin's own (404, 405, 413) and anything unexpected (500, logged,
 * never a stack trace in the body).
 */
final class ErrorMapper {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  /**
   * The body of an error response.
   *
   * @param error what went wrong
   */
  record ErrorBody(Detail error) {}

  /**
   * One error, as OpenAI sends it.
   *
   * @param message what went wrong, naming the field or limit at fault
   * @param type the OpenAI error type ({@code invalid_request_error}, {@code authentication_error},
   *     {@code rate_limit_error}, {@code server_error}, ...)
   * @param param the request field at fault, or null
   * @param code a stable machine-readable code
   * @param traceId the request's trace id, to find it in logs and traces
   */
  record Detail(
      String message,
      String type,
      @Nullable String param,
      String code,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String traceId) {}

  private final long maxBody;

  ErrorMapper(long maxBody) {
    this.maxBody = maxBody;
  }

  private @Nullable RouteTable routes;

  /** Registers the exception handlers; a 404 on a known path with another method becomes 405. */
  void register(JavalinConfig cfg, RouteTable routes) {
    this.routes = routes;
    cfg.routes.exception(
        ApiError.class, (e, ctx) -> write(ctx, e.status(), e.code(), e.param(), e.getMessage()));
    cfg.routes.exception(
        MoeError.class,
        (e, ctx) -> {
          if (e instanceof MoeError.Overloaded o) {
            // Whole seconds (RFC 9110), at least 1: a client retrying at once finds no room.
            ctx.header("Retry-After", String.valueOf(Math.max(1, ceilSeconds(o.retryAfter()))));
          }
          // A request over its CPU budget names the limit it passed (budgets.cpu_ms).
          String param = e instanceof MoeError.CpuBudgetExceeded c ? c.limit() : null;
          write(ctx, statusOf(e), e.code(), param, e.getMessage());
        });
    cfg.routes.exception(HttpResponseException.class, this::httpError);
    // A router's in-process encoder found no working memory in the runtime's pool within the wait
    // (an expert's own lease failing is an expert failure the router re-routes around instead):
    // the server is busy, not broken; the client may retry.
    cfg.routes.exception(
        MemoryExhaustedException.class,
        (e, ctx) -> {
          ctx.header("Retry-After", "1");
          write(ctx, 503, e.code(), null, ApiError.messageOf(e));
        });
    cfg.routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
          write(
              ctx,
              500,
              "internal_error",
              null,
              "internal error; see the server log for this trace id");
        });
  }

  /** The HTTP status of an engine error: client mistakes are 4xx, expert failures 5xx. */
  static int statusOf(MoeError e) {
    return switch (e) {
      case MoeError.InvalidInput x -> 400;
      case MoeError.EncodeError x -> 422;
      case MoeError.Unprocessable x -> 422;
      // Not 429: OpenAI SDKs retry a 429 (and a 5xx) by themselves, and the same request would
      // cost the same CPU again.
      case MoeError.CpuBudgetExceeded x -> 422;
      case MoeError.UnknownRouter x -> 404;
      case MoeError.UnknownTrace x -> 404;
      case MoeError.BudgetExceeded x -> 402;
      case MoeError.DeadlineExceeded x -> 504;
      case MoeError.NoExpertSelected x -> 503;
      case MoeError.Cancelled x -> 503;
      case MoeError.Overloaded x -> 503;
      case MoeError.ExpertFailed x -> 502;
      case MoeError.NoExpertAnswered x -> 502;
      case MoeError.AggregationFailed x -> 502;
    };
  }

  private static long ceilSeconds(java.time.Duration d) {
    return (d.toMillis() + 999) / 1000;
  }

  /** The OpenAI error type of a status. */
  static String typeOf(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  /** Writes an error response (status, JSON body). */
  static void write(Context ctx, int status, String code, @Nullable String param, String message) {
    // Null when the request failed before the server gave it a trace id.
    @Nullable String tid = ctx.attribute(HimoeServer.MDC_TRACE);
    ErrorBody body = new ErrorBody(new Detail(message, typeOf(status), param, code, tid));
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(JsonBodies.MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      ctx.result("{\"error\":{\"message\":\"error\",\"type\":\"server_error\"}}");
    }
  }

  private void httpError(HttpResponseException e, Context ctx) {
    int s = e.getStatus();
    if (s == 404 || s == 405) {
      Set<String> allowed = routes == null ? Set.of() : routes.allowed(ctx.path());
      if (!allowed.isEmpty()) {
        ctx.header("Allow", String.join(", ", allowed));
        write(
            ctx,
            405,
            "method_not_allowed",
            null,
            "method "
                + ctx.method()
                + " is not allowed on "
                + ctx.path()
                + " (allowed: "
                + String.join(", ", allowed)
                + ")");
        return;
      }
    }
    String code =
        switch (s) {
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 413 -> "payload_too_large";
          default -> "http_" + s;
        };
    String msg =
        switch (s) {
          case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
          case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
          case 413 -> "request body is larger than the limit of " + maxBody + " bytes";
          default -> ApiError.messageOf(e);
        };
    write(ctx, s, code, null, msg);
  }
}
