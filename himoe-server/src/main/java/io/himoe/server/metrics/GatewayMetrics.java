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

  private final Meters<Counter> responses;
  private final Meters<Counter> outcomes;
  private final Meters<Timer> firstTokens;
  private final Meters<Counter> keyRequests;
  private final Meters<Counter> keyTokens;

  /**
   * @param registry where meters go
   */
  public GatewayMetrics(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    this.outcomes = RequestMeters.outcomes(registry);
    this.responses =
        new Meters<>(
            t ->
                Counter.builder("himoe.http.responses")
                    .description("HTTP responses by method, route pattern and status code")
                    .tag("method", t.get(0))
                    .tag("route", t.get(1))
                    .tag("status", t.get(2))
                    .register(registry));
    this.firstTokens =
        new Meters<>(
            t ->
                Timer.builder("himoe.time.to.first.token")
                    .description(
                        "time from a streaming request's arrival to its first content chunk")
                    .tag("router", t.get(0))
                    .publishPercentileHistogram()
                    .register(registry));
    this.keyRequests =
        new Meters<>(
            t ->
                Counter.builder("himoe.key.requests")
                    .description("requests per API key alias and outcome")
                    .tag("key", t.get(0))
                    .tag("outcome", t.get(1))
                    .register(registry));
    this.keyTokens =
        new Meters<>(
            t ->
                Counter.builder("himoe.key.tokens")
                    .description("tokens used per API key alias")
                    .tag("key", t.get(0))
                    .register(registry));
  }

  /**
   * Counts one HTTP response.
   *
   * @param method the HTTP method
   * @param route the route pattern (e.g. {@code /v1/traces/{id}}), never the raw path
   * @param status the status code
   */
  public void http(String method, String route, int status) {
    responses.get(method, route, Integer.toString(status)).increment();
  }

  /**
   * Counts a request that failed, under the router that handled it.
   *
   * @param router the router the orchestrator chose, or {@code none} when it failed before
   * @param code the error's stable code
   */
  public void failed(String router, String code) {
    outcomes.get(router, code).increment();
  }

  /**
   * Records how long a stream took to send its first token.
   *
   * @param router the router that answered
   * @param ttft from the request's arrival to the first content chunk
   */
  public void firstToken(String router, Duration ttft) {
    firstTokens.get(router).record(ttft);
  }

  /**
   * Counts one request of an API key.
   *
   * @param alias the key's alias ({@code anonymous} without a key)
   * @param outcome {@code ok}, {@code rate_limited}, or an error code
   * @param tokens prompt plus completion tokens it used
   */
  public void key(String alias, String outcome, long tokens) {
    keyRequests.get(alias, outcome).increment();
    if (tokens > 0) {
      keyTokens.get(alias).increment(tokens);
    }
  }
}
