package io.himoe.server.http;

import io.himoe.server.config.GatewayConfig;
import io.himoe.server.metrics.GatewayMetrics;
import io.javalin.http.Context;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What happens to every request before and after its handler: the server's own trace id (in {@code
 * X-Trace-Id} and {@code x-request-id}; a client's {@code X-Trace-Id} or {@code X-Correlation-Id}
 * is kept only as a correlation id and echoed in {@code X-Correlation-Id}), CORS headers when
 * configured, the log line and the MDC.
 */
final class Edge {

  /** The request attribute holding the client's correlation id, when it sent one. */
  static final String CORRELATION = "himoe.correlation";

  private static final Logger LOG = LoggerFactory.getLogger(HimoeServer.class);
  private static final Pattern GOOD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final String EXPOSED =
      "x-request-id, X-Trace-Id, X-Correlation-Id, Retry-After, x-ratelimit-limit-requests,"
          + " x-ratelimit-remaining-requests, x-ratelimit-reset-requests,"
          + " x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens";

  private final GatewayConfig.Cors cors;
  private final Set<String> origins;
  private final GatewayMetrics metrics;

  Edge(GatewayConfig.Cors cors, GatewayMetrics metrics) {
    this.cors = cors;
    this.origins = Set.copyOf(cors.origins());
    this.metrics = metrics;
  }

  void before(Context ctx) {
    String tid = newTraceId();
    ctx.attribute(HimoeServer.MDC_TRACE, tid);
    ctx.attribute("himoe.start", System.nanoTime());
    ctx.header(HimoeServer.TRACE_HEADER, tid);
    ctx.header("x-request-id", tid);
    String corr = ctx.header(HimoeServer.TRACE_HEADER);
    if (corr == null) {
      corr = ctx.header("X-Correlation-Id");
    }
    if (corr != null && GOOD_ID.matcher(corr).matches()) {
      ctx.attribute(CORRELATION, corr);
      ctx.header("X-Correlation-Id", corr);
    }
    MDC.put(HimoeServer.MDC_TRACE, tid);
    if (cors.enabled()) {
      cors(ctx);
    }
  }

  private void cors(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null) {
      return;
    }
    boolean any = origins.contains("*");
    if (!any && !origins.contains(origin)) {
      return;
    }
    ctx.header("Access-Control-Allow-Origin", any ? "*" : origin);
    ctx.header("Vary", "Origin");
    ctx.header("Access-Control-Expose-Headers", EXPOSED);
  }

  private static String route(Context ctx) {
    try {
      io.javalin.router.Endpoint e = ctx.endpoints().lastHttpEndpoint();
      return e == null ? "unmatched" : e.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  /** Answers a CORS preflight request. */
  void preflight(Context ctx) {
    ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
    String asked = ctx.header("Access-Control-Request-Headers");
    ctx.header(
        "Access-Control-Allow-Headers",
        asked != null ? asked : "Authorization, Content-Type, X-Session-Id, X-Himoe-Deadline-Ms");
    ctx.header("Access-Control-Max-Age", Long.toString(cors.maxAgeS()));
    ctx.status(204);
  }

  void after(Context ctx) {
    Long t0 = ctx.attribute("himoe.start");
    long ms = t0 == null ? 0 : (System.nanoTime() - t0) / 1_000_000;
    String path = ctx.path();
    // The route pattern, not the path: ids in paths would make a label per request.
    metrics.http(ctx.method().name(), route(ctx), ctx.statusCode());
    if (!path.equals("/metrics") && !path.endsWith("/dashboard") && !path.startsWith("/health")) {
      Caller c = ctx.attribute(Caller.ATTRIBUTE);
      LOG.info(
          "{} {} -> {} in {} ms ({})",
          ctx.method(),
          path,
          ctx.statusCode(),
          ms,
          c == null ? "anonymous" : c.label());
    }
    MDC.remove(HimoeServer.MDC_TRACE);
  }

  /**
   * A random (version 4) UUID from a fast generator: a trace id must be unique and is chosen by the
   * server only; who may read or judge a decision is decided by API key, not by knowing its id.
   */
  static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
