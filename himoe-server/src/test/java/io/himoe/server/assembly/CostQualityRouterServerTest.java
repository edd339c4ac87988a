package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cost-quality} router in a real server on 127.0.0.1, in front of two LLM experts served
 * by a recording OpenAI-compatible upstream: a cheap model (0.1 cost units per 1,000 tokens) that
 * answers greetings as well as the strong one (2.0) but fails proofs, per the outcome file. The
 * upstream's recorded {@code model} says which expert each chat request reached.
 */
class CostQualityRouterServerTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static final List<String> GREETINGS =
      List.of("hello there", "good morning", "hi how are you", "hey friend", "greetings to you");
  static final List<String> PROOFS =
      List.of(
          "prove the theorem",
          "prove that primes are infinite",
          "show a formal proof",
          "prove the lemma by induction",
          "derive the proof of convergence");

  @TempDir Path dir;
  HttpServer upstream;
  final List<String> models = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startUpstream() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/v1/chat/completions",
        ex -> {
          JsonNode req = JSON.readTree(ex.getRequestBody());
          String model = req.path("model").asText();
          models.add(model);
          byte[] body =
              JSON.writeValueAsBytes(
                  Map.of(
                      "id",
                      "chatcmpl-1",
                      "object",
                      "chat.completion",
                      "created",
                      0,
                      "model",
                      model,
                      "choices",
                      List.of(
                          Map.of(
                              "index",
                              0,
                              "message",
                              Map.of("role", "assistant", "content", "answer from " + model),
                              "finish_reason",
                              "stop")),
                      "usage",
                      Map.of("prompt_tokens", 5, "completion_tokens", 2, "total_tokens", 7)));
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
          }
        });
    upstream.start();
  }

  @AfterEach
  void stopUpstream() {
    upstream.stop(0);
  }

  Path outcomes() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int rep = 0; rep < 8; rep++) {
      for (int i = 0; i < GREETINGS.size(); i++) {
        lines.add(
            "{\"query\": \"%s\", \"scores\": {\"cheap\": 1, \"strong\": 1, \"other\": 0}}"
                .formatted(GREETINGS.get(i)));
        lines.add(
            "{\"query\": \"%s\", \"scores\": {\"cheap\": 0, \"strong\": 1, \"other\": 0}}"
                .formatted(PROOFS.get(i)));
      }
    }
    return Files.write(dir.resolve("outcomes.jsonl"), lines);
  }

  HimoeConfig config(String costQuality) {
    return ConfigLoader.of(Map.of("CQ_KEY", "test-key-cq"))
        .parse(
            """
            server:
              auth:
                api_keys: ["${CQ_KEY}"]
            experts:
              - name: cheap
                kind: llm
                endpoint: http://127.0.0.1:%1$d/v1
                models: [cheap-model]
                cost_per_1k_tokens: 0.1
              - name: strong
                kind: llm
                endpoint: http://127.0.0.1:%1$d/v1
                models: [strong-model]
                cost_per_1k_tokens: 2.0
            routers:
              - id: cq
                type: cost-quality
                encoder: hashing
                cost_quality: %2$s
            """
                .formatted(upstream.getAddress().getPort(), costQuality),
            "test");
  }

  static JsonNode chat(HimoeServer server, String text) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(
                            Map.of(
                                "model",
                                "cq",
                                "messages",
                                List.of(Map.of("role", "user", "content", text)))),
                        StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static int feedback(HimoeServer server, String traceId, double reward) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/feedback"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer test-key-cq")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"trace_id\": \"" + traceId + "\", \"reward\": " + reward + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void theCheapModelAnswersWhatItAnswersWellAndTheStrongOneTheRest() throws Exception {
    String cq = "{outcomes: %s, target_quality: 1.0}".formatted(outcomes());
    try (Assembly a = Assembly.build(config(cq));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("fb.db"))) {
      JsonNode greeting = chat(server, "hello good morning");
      JsonNode proof = chat(server, "prove the theorem by induction");
      assertThat(greeting.path("choices").get(0).path("message").path("content").asText())
          .isEqualTo("answer from cheap-model");
      assertThat(proof.path("choices").get(0).path("message").path("content").asText())
          .isEqualTo("answer from strong-model");
    }
    assertThat(models).containsExactly("cheap-model", "strong-model");
  }

  @Test
  void aCostCeilingUnderTheStrongModelsPriceKeepsProofsOnTheCheapOne() throws Exception {
    // expected costs per request: cheap 0.1 x (tokens + 256) / 1000 ~ 0.026, strong ~ 0.52
    String cq = "{outcomes: %s, max_cost: 0.05}".formatted(outcomes());
    try (Assembly a = Assembly.build(config(cq));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("fb.db"))) {
      chat(server, "derive the proof of convergence");
    }
    assertThat(models).containsExactly("cheap-model");
  }

  @Test
  void rewardsOverHttpMoveTheChoice() throws Exception {
    String cq =
        "{outcomes: %s, target_quality: 1.0, learning_rate: 0.5, recalibrate_every: 5}"
            .formatted(outcomes());
    try (Assembly a = Assembly.build(config(cq));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("fb.db"))) {
      // live traffic disagrees with the outcome file: the cheap model's greetings are wrong
      int rounds = 0;
      while (rounds < 40) {
        JsonNode r = chat(server, "hello good morning");
        if (r.path("choices")
            .get(0)
            .path("message")
            .path("content")
            .asText()
            .endsWith("strong-model")) {
          break;
        }
        assertThat(feedback(server, r.path("trace_id").asText(), 0.0)).isEqualTo(202);
        rounds++;
      }
      assertThat(rounds).isPositive().isLessThan(40);
    }
    assertThat(models.getFirst()).isEqualTo("cheap-model");
    assertThat(models.getLast()).isEqualTo("strong-model");
  }

  @Test
  void badSettingsAreNamed() throws Exception {
    assertThatThrownBy(() -> config("{target_quality: 0.9}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routers[0].cost_quality.outcomes: expected a JSONL file");
    assertThatThrownBy(
            () -> config("{outcomes: %s, target_quality: 2, max_cost: 1}".formatted(outcomes())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routers[0].cost_quality: expected target_quality or max_cost")
        .hasMessageContaining("routers[0].cost_quality.target_quality: expected a share");
    assertThatThrownBy(() -> config("{outcomes: %s}".formatted(dir.resolve("none.jsonl"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routers[0].cost_quality.outcomes: no readable file");
    Path partial =
        Files.write(
            dir.resolve("partial.jsonl"),
            List.of("{\"query\": \"hi\", \"scores\": {\"cheap\": 1, \"other\": 0}}"));
    HimoeConfig c = config("{outcomes: %s}".formatted(partial));
    assertThatThrownBy(() -> Assembly.build(c))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routers[0].cost_quality.outcomes:")
        .hasMessageContaining("not the router's experts [strong]");
    Path bad =
        Files.write(
            dir.resolve("bad.jsonl"),
            List.of("{\"query\": \"hi\", \"scores\": {\"cheap\": 1, \"strong\": \"yes\"}}"));
    HimoeConfig b = config("{outcomes: %s}".formatted(bad));
    assertThatThrownBy(() -> Assembly.build(b))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1, field 'scores.strong': expected a number");
  }
}
