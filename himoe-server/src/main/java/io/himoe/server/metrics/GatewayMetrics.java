package io.himoe.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * The edge's meters, as Prometheus names them: HTTP responses by route and status, requests by
 * router and outcome (failed ones too, labelled with the router that handled them), time to first
 * token, and per-key requests and tokens labelled by the key's alias (never the key).
 */
public final class GatewayMetrics {

  private final MeterRegistry registry;

  /**
   * @param registry where meters go
   */
  public GatewayMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Counts one HTTP response.
   *
   * @param method the HTTP method
   * @param route the route pattern (e.g. {@code /v1/traces/{id}}), never the raw path
   * @param status the status code
   */
  public void http(String method, String route, int status) {
    Counter.builder("himoe.http.responses")
        .description("HTTP responses by method, route pattern and status code")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  /**
   * Counts a request that failed, under the router that handled it.
   *
   * @param router the router the orchestrator chose, or {@code none} when it failed before
   * @param code the error's stable code
   */
  public void failed(String router, String code) {
    RequestMeters.outcome(registry, router, code).increment();
  }

  /**
   * Records how long a stream took to send its first token.
   *
   * @param router the router that answered
   * @param ttft from the request's arrival to the first content chunk
   */
  public void firstToken(String router, Duration ttft) {
    Timer.builder("himoe.time.to.first.token")
        .description("time from a streaming request's arrival to its first content chunk")
        .tag("router", router)
        .publishPercentileHistogram()
        .register(registry)
        .record(ttft);
  }

  /**
   * Counts one request of an API key.
   *
   * @param alias the key's alias ({@code anonymous} without a key)
   * @param outcome {@code ok}, {@code rate_limited}, or an error code
   * @param tokens prompt plus completion tokens it used
   */
  public void key(String alias, String outcome, long tokens) {
    Counter.builder("himoe.key.requests")
        .description("requests per API key alias and outcome")
        .tag("key", alias)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    if (tokens > 0) {
      Counter.builder("himoe.key.tokens")
          .description("tokens used per API key alias")
          .tag("key", alias)
          .register(registry)
          .increment(tokens);
    }
  }
}
