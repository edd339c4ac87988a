package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracingTest {

  @Test
  void oneSpanPerRequestAndOnePerExpertCall(@TempDir Path dir) throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).embeddedDefault());
        HimoeServer s =
            HimoeServer.builder(a)
                .port(0)
                .feedbackDb(dir.resolve("fb.db"))
                .tracing(Tracing.withExporter(exporter, "himoe-test"))
                .start()) {
      HttpResponse<String> r = io.himoe.server.ServerFixtures.chat(s, "himoe", "plan: a; b");
      assertThat(r.statusCode()).isEqualTo(200);
      String tid = r.headers().firstValue("X-Trace-Id").orElseThrow();
      List<SpanData> spans = exporter.getFinishedSpanItems();
      SpanData request =
          spans.stream()
              .filter(sp -> sp.getName().equals("POST /v1/chat/completions"))
              .findFirst()
              .orElseThrow();
      assertThat(request.getAttributes().get(AttributeKey.stringKey("himoe.trace_id")))
          .isEqualTo(tid);
      SpanData expert =
          spans.stream()
              .filter(sp -> sp.getName().equals("expert planning"))
              .findFirst()
              .orElseThrow();
      assertThat(expert.getParentSpanId()).isEqualTo(request.getSpanId());
      assertThat(expert.getAttributes().get(AttributeKey.stringKey("himoe.status")))
          .isEqualTo("answered");
    }
  }
}
