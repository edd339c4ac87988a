package io.himoe.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A server starts without Micrometer's "MeterFilter configured after a Meter" warnings, and the
 * filters apply to every meter it exports.
 */
class ServerMetricsStartTest {

  @TempDir Path dir;

  @Test
  void aServerConfiguresItsMeterFiltersBeforeAnyMeterSoMicrometerDoesNotWarn() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    root.addAppender(seen);
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
                        "test"));
        HimoeServer server =
            HimoeServer.builder(assembly)
                .host("127.0.0.1")
                .port(0)
                .feedbackDb(dir.resolve("f.db"))
                .start()) {
      assertThat(seen.list)
          .as("warnings while the server started")
          .noneMatch(e -> e.getFormattedMessage().contains("MeterFilter"));
      String metrics;
      try (HttpClient http = HttpClient.newHttpClient()) {
        metrics =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
      }
      // The filters applied to the meters registered first too: Micrometer's
      // process_cpu_time_ns_total is denied, jvm_threads_live has no repeated unit.
      assertThat(metrics).contains("himoe_log_lines_dropped_total", "jvm_threads_live ");
      assertThat(metrics).doesNotContain("process_cpu_time", "jvm_threads_live_threads");
    } finally {
      root.detachAppender(seen);
    }
  }
}
