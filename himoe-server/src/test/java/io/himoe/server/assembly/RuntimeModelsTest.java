package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.runtime.device.Battery;
import io.himoe.runtime.device.CpuStatus;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.device.MemoryStatus;
import io.himoe.runtime.mode.ModeChange;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003 inside the server, on 127.0.0.1: the local generator is an expert kind whose stream
 * follows a mode change mid-way (the battery drops while it generates), and in-process models lease
 * working memory from the runtime's pools, failing clearly when it never frees.
 */
class RuntimeModelsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String HARD =
      "Debug this function step by step and prove why the SQL query fails after 3 retries; "
          + "it must be secure and efficient, without using a new library.";

  @TempDir Path dir;

  static DeviceStatus device(double battery, boolean charging) {
    long max = 1L << 30;
    return new DeviceStatus(
        Battery.of(battery, charging),
        MemoryStatus.ofHeap(max / 5, max),
        CpuStatus.of(0.4, 4),
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  static HimoeConfig config(String yaml) {
    return ConfigLoader.of(Map.of()).parse(yaml, "test");
  }

  @Test
  void theGeneratorStreamsAndAModeChangeMidStreamCutsItToTheNewBudget() throws Exception {
    HimoeConfig cfg =
        config(
            """
            runtime:
              enabled: true
              memory_pools: {kv-cache: 67108864, activations: 16777216}
            experts:
              - name: local-gen
                kind: generator
                options: {reassess_every: 10, seed: 7}
            routers:
              - id: gen
                experts: [local-gen]
                fallback: local-gen
            """);
    // on mains for the first device readings (the request's decision and token 10), then the
    // battery is low and discharging: MAXIMUM (512 tokens) becomes BALANCED (128) mid-stream
    AtomicInteger reads = new AtomicInteger();
    try (Assembly a =
            Assembly.build(
                cfg,
                InstantSource.system(),
                () -> reads.incrementAndGet() <= 2 ? device(0.9, true) : device(0.1, false));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("fb.db"))) {
      List<ModeChange> changes = new ArrayList<>();
      a.runtime().orElseThrow().onModeChange(changes::add);
      String body =
          JSON.writeValueAsString(
              Map.of(
                  "model",
                  "gen",
                  "stream",
                  true,
                  "messages",
                  List.of(Map.of("role", "user", "content", HARD))));
      HttpResponse<InputStream> res =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      assertThat(res.statusCode()).isEqualTo(200);
      List<JsonNode> chunks = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("data: {")) {
            chunks.add(JSON.readTree(line.substring(6)));
          }
        }
      }
      JsonNode last = chunks.getLast();
      // every generated token came as its own chunk, live from the expert
      int content = 0;
      for (JsonNode c : chunks) {
        content += c.at("/choices/0/delta/content").isTextual() ? 1 : 0;
      }
      assertThat(last.at("/himoe/streamed_tokens").asInt()).isEqualTo(content);
      // BALANCED's budget, not MAXIMUM's: the mode changed while the stream ran
      assertThat(content).isEqualTo(128);
      assertThat(changes)
          .anySatisfy(
              c -> {
                assertThat(c.from()).isEqualTo(PerformanceMode.MAXIMUM);
                assertThat(c.to()).isEqualTo(PerformanceMode.BALANCED);
                assertThat(c.reason()).startsWith("dynamic adjustment");
              });
      // every lease was given back
      assertThat(a.runtime().orElseThrow().pools().orElseThrow().usedBytes()).isZero();
    }
  }

  @Test
  void anInProcessModelThatCannotGetItsMemoryFailsNamingThePool() throws Exception {
    String yaml =
        """
        runtime:
          enabled: true
          memory_pools: {activations: %d}
        budgets:
          deadline_ms: 30000
        experts:
          - name: lang
            kind: lang-detect
        routers:
          - id: main
            experts: [lang]
            fallback: lang
        """;
    // 1 MiB: less than the 4 MiB a language detection call needs
    try (Assembly a =
            Assembly.build(
                config(yaml.formatted(1 << 20)), InstantSource.system(), () -> device(0.9, true));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("small.db"))) {
      HttpResponse<String> res =
          ServerFixtures.chat(server, "main", "lang:detect ceci est une phrase");
      assertThat(res.statusCode()).isNotEqualTo(200);
      assertThat(res.body()).contains("memory exhausted: pool 'activations'").contains("lang");
    }
    // 64 MiB: it fits, answers, and gives its lease back
    try (Assembly a =
            Assembly.build(
                config(yaml.formatted(64 << 20)), InstantSource.system(), () -> device(0.9, true));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("big.db"))) {
      HttpResponse<String> res =
          ServerFixtures.chat(server, "main", "lang:detect ceci est une phrase");
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      var pool = a.runtime().orElseThrow().pools().orElseThrow();
      assertThat(pool.usedBytes()).isZero();
      assertThat(pool.pool("activations").grantedCount()).isPositive();
    }
  }

  @Test
  void badRuntimeSettingsNameTheirField() {
    assertThatThrownBy(
            () ->
                config(
                    """
                    experts:
                      - name: g
                        kind: generator
                    routers:
                      - id: main
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("experts[0].kind: 'generator' follows the performance modes");
    assertThatThrownBy(
            () ->
                config(
                    """
                    runtime:
                      enabled: true
                      memory_pools: {vram: 10, activations: 0}
                    experts:
                      - name: g
                        kind: generator
                        options: {reassess_every: 0}
                    routers:
                      - id: main
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "runtime.memory_pools: expected one of kv-cache, activations, uniforms")
        .hasMessageContaining("runtime.memory_pools.activations: expected a size in bytes >= 1")
        .hasMessageContaining("experts[0].options.reassess_every");
  }
}
