package io.himoe.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The request counter, shared by the engine listener (answers) and the edge (failures). */
final class RequestMeters {

  private RequestMeters() {}

  /**
   * @param registry where the counters go
   * @return {@code himoe.requests} by (router, outcome)
   */
  static Meters<Counter> outcomes(MeterRegistry registry) {
    return new Meters<>(
        t ->
            Counter.builder("himoe.requests")
                .description("requests by the router that handled them and their outcome")
                .tag("router", t.get(0))
                .tag("outcome", t.get(1))
                .register(registry));
  }
}
