package io.himoe.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.himoe.learning.metrics.GuardrailMonitor;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Binding the server's meters on a fresh registry logs no warning and applies every filter. */
class ServerMetricsStartTest {

  @Test
  void bindingConfiguresTheFiltersBeforeAnyMeterSoMicrometerDoesNotWarn() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    root.addAppender(seen);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Assembly assembly =
        Assembly.build(
            ConfigLoader.of(Map.of())
                .parse(
                    """
                        experts:
                          - name: math
                            kind: math
                        routers:
                          - id: main
                        """,
                    "test"))) {
      ServerMetrics.bind(registry, assembly, GuardrailMonitor.ofDefaults()).close();
      assertThat(seen.list)
          .as("warnings while the server's meters were bound")
          .noneMatch(e -> e.getFormattedMessage().contains("MeterFilter"));
      // The filters did apply: Micrometer's process_cpu_time_ns_total is denied.
      assertThat(registry.scrape()).contains("jvm_threads_live");
      assertThat(registry.scrape()).doesNotContain("process_cpu_time");
    } finally {
      root.detachAppender(seen);
      registry.close();
    }
  }
}
