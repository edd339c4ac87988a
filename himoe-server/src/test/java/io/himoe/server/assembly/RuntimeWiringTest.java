package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.engine.Answer;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server under {@code runtime:} (seed 003): the mode caps top-k, a repeated request is served
 * from the response cache in the modes that enable it, and the mode is exported in /metrics. The
 * counted expert is a real upstream Hi-MoE server on 127.0.0.1.
 */
class RuntimeWiringTest {

  @TempDir Path dir;

  private static String config(String upstream, String mode) {
    return """
        runtime:
          enabled: true
          mode: %s
        experts:
          - name: remote
            kind: openai
            endpoint: "%s/v1"
            models: [himoe]
            keywords: [plan]
          - name: planning
            kind: planner
          - name: math
            kind: math
        routers:
          - id: main
            type: keyword
            top_k: 3
        """
        .formatted(mode, upstream);
  }

  private static long answered(Answer a) {
    return a.trace().stages().getFirst().experts().stream()
        .filter(e -> e.status() == io.himoe.engine.ExpertStatus.ANSWERED)
        .count();
  }

  private static long upstreamCalls(Assembly upstream) {
    return upstream.experts().stream().mapToLong(Assembly.ExpertInfo::calls).sum();
  }

  @Test
  void balancedModeCapsTopKAndServesRepeatsFromTheCache() throws Exception {
    try (Assembly up = Assembly.build(ServerFixtures.PLANNER_ONLY);
        HimoeServer upServer = ServerFixtures.serve(up, dir.resolve("up.db"));
        Assembly a =
            Assembly.build(
                ConfigLoader.of(Map.of()).parse(config(upServer.url(), "balanced"), "t"));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("d.db"))) {
      Answer first = a.engine().ask(InputData.text("plan: wash; dry"), a.newContext(null, null));
      // top_k 3, but BALANCED calls at most 2 experts.
      assertThat(answered(first)).isEqualTo(2);
      assertThat(upstreamCalls(up)).isEqualTo(1);
      Answer again = a.engine().ask(InputData.text("plan: wash; dry"), a.newContext(null, null));
      assertThat(again.value()).isEqualTo(first.value());
      // The remote expert's answer came from its response cache: the upstream saw one call.
      assertThat(upstreamCalls(up)).isEqualTo(1);
      assertThat(a.runtime().orElseThrow().currentMode()).isEqualTo(PerformanceMode.BALANCED);
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics).contains("himoe_runtime_mode 1.0");
    }
  }

  @Test
  void maximumModeCallsEveryPickedExpertAfresh() {
    try (Assembly up = Assembly.build(ServerFixtures.PLANNER_ONLY);
        HimoeServer upServer = ServerFixtures.serve(up, dir.resolve("up.db"));
        Assembly a =
            Assembly.build(
                ConfigLoader.of(Map.of()).parse(config(upServer.url(), "maximum"), "t"))) {
      Answer first = a.engine().ask(InputData.text("plan: wash; dry"), a.newContext(null, null));
      // All three picked experts are called (math then says it finds no expression in the text).
      assertThat(
              first.trace().stages().getFirst().experts().stream()
                  .filter(e -> e.status().called())
                  .count())
          .isEqualTo(3);
      a.engine().ask(InputData.text("plan: wash; dry"), a.newContext(null, null));
      assertThat(upstreamCalls(up)).isEqualTo(2);
    }
  }

  @Test
  void anExpertRemovedAtRunTimeTakesItsModeListenerWithIt() {
    String yaml =
        """
        runtime:
          enabled: true
        experts:
          - name: planning
            kind: planner
          - name: extra
            kind: math
        routers:
          - id: main
        """;
    HimoeConfig.Expert extra =
        new HimoeConfig.Expert(
            "extra", "math", null, null, null, null, null, null, null, null, null, null, null);
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"))) {
      var rt = a.runtime().orElseThrow();
      assertThat(a.removeExpert("extra")).isTrue();
      int before = rt.modeListenerCount();
      for (int i = 0; i < 3; i++) {
        a.addExpert(extra, java.util.List.of());
        assertThat(rt.modeListenerCount()).isEqualTo(before + 1);
        assertThat(a.removeExpert("extra")).isTrue();
        assertThat(rt.modeListenerCount()).isEqualTo(before);
      }
    }
  }

  @Test
  void withoutTheRuntimeSectionNothingChanges() {
    try (Assembly a = Assembly.build(ServerFixtures.PLANNER_ONLY)) {
      assertThat(a.runtime()).isEmpty();
      assertThat(a.config().runtime().enabled()).isFalse();
    }
  }

  @Test
  void badRuntimeSettingsAreRefusedWithTheirPaths() {
    String yaml =
        """
        runtime:
          enabled: true
          mode: turbo
          cache_size: 0
          cache_ttl_ms: -5
        experts:
          - name: planning
            kind: planner
        routers:
          - id: main
        """;
    assertThatThrownBy(() -> ConfigLoader.of(Map.of()).parse(yaml, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "runtime.mode: expected one of auto, eco, balanced, performance, maximum")
        .hasMessageContaining("runtime.cache_size: expected a count >= 1")
        .hasMessageContaining("runtime.cache_ttl_ms: expected a time in ms >= 1");
  }
}
