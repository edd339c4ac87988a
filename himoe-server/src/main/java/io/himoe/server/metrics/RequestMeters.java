package io.himoe.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The request counter, shared by the engine listener (answers) and the edge (failures). */
final class RequestMeters {

  private RequestMeters() {}

  static Counter outcome(MeterRegistry registry, String router, String outcome) {
    return Counter.builder("himoe.requests")
        .description("requests by the router that handled them and their outcome")
        .tag("router", router)
        .tag("outcome", outcome)
        .register(registry);
  }
}
