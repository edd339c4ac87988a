package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.telemetry.Tracing;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code otlp} exporter against a real HTTP collector endpoint on 127.0.0.1 (a JDK HTTP server
 * that records what it receives): spans arrive as OTLP/HTTP protobuf, batched, flushed when the
 * server stops.
 */
class OtlpExportTest {

  @TempDir Path dir;

  @Test
  void spansReachTheCollectorAsOtlpProtobuf() throws Exception {
    List<String> contentTypes = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        ex -> {
          contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
          byte[] body = ex.getRequestBody().readAllBytes();
          synchronized (received) {
            received.write(body);
          }
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    collector.start();
    try {
      String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
      try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).embeddedDefault());
          HimoeServer s =
              HimoeServer.builder(a)
                  .port(0)
                  .feedbackDb(dir.resolve("fb.db"))
                  .tracing(Tracing.of("otlp", "himoe-otlp-test", endpoint))
                  .start()) {
        HttpResponse<String> r = io.himoe.server.ServerFixtures.chat(s, "himoe", "plan: a; b");
        assertThat(r.statusCode()).isEqualTo(200);
      }
      // Closing the server closed the tracing, which flushed the batch.
      assertThat(contentTypes).isNotEmpty().allMatch(t -> t.startsWith("application/x-protobuf"));
      String body;
      synchronized (received) {
        body = received.toString(StandardCharsets.ISO_8859_1);
      }
      // Protobuf carries strings as raw UTF-8: the resource's service name and the span names.
      assertThat(body)
          .contains("himoe-otlp-test")
          .contains("POST /v1/chat/completions")
          .contains("expert planning");
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void anOtlpExporterNeedsAnHttpEndpoint() {
    String yaml =
        """
        telemetry:
          exporter: otlp
          endpoint: "collector:4318"
        experts:
          - name: planning
            kind: planner
        routers:
          - id: main
        """;
    assertThatThrownBy(() -> ConfigLoader.of(Map.of()).parse(yaml, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.endpoint: expected an http(s) URL for the otlp exporter");
  }
}
