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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Performance modes reach LLM traffic, seen from a recording OpenAI-compatible upstream on
 * 127.0.0.1: the mode's token budget bounds the {@code max_tokens} sent upstream, and the mode's
 * tier picks the model among the expert's declared tiers.
 */
class ModeLlmTrafficTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  HttpServer upstream;
  final List<JsonNode> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startUpstream() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/v1/chat/completions",
        ex -> {
          JsonNode req = JSON.readTree(ex.getRequestBody());
          requests.add(req);
          if (req.path("stream").asBoolean()) {
            streamAnswer(ex, req.path("model").asText());
            return;
          }
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
                      req.path("model").asText(),
                      "choices",
                      List.of(
                          Map.of(
                              "index",
                              0,
                              "message",
                              Map.of("role", "assistant", "content", "an answer"),
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

  /** OpenAI's SSE chunks: one per word of "an answer from MODEL", then usage and [DONE]. */
  static void streamAnswer(com.sun.net.httpserver.HttpExchange ex, String model)
      throws java.io.IOException {
    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream os = ex.getResponseBody()) {
      for (String word : List.of("an ", "answer ", "from ", model)) {
        sse(
            os,
            Map.of(
                "id",
                "chatcmpl-1",
                "object",
                "chat.completion.chunk",
                "created",
                0,
                "model",
                model,
                "choices",
                List.of(Map.of("index", 0, "delta", Map.of("content", word)))));
      }
      sse(
          os,
          Map.of(
              "id",
              "chatcmpl-1",
              "object",
              "chat.completion.chunk",
              "created",
              0,
              "model",
              model,
              "choices",
              List.of(Map.of("index", 0, "delta", Map.of(), "finish_reason", "stop"))));
      os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  static void sse(OutputStream os, Object chunk) throws java.io.IOException {
    os.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  @AfterEach
  void stopUpstream() {
    upstream.stop(0);
  }

  HimoeConfig config(String mode) {
    return ConfigLoader.of(Map.of())
        .parse(
            """
            runtime:
              enabled: true
              mode: %s
            experts:
              - name: writer
                kind: llm
                endpoint: http://127.0.0.1:%d/v1
                models: [mini, big]
                options: {tiers: "small: mini, large: big"}
            routers:
              - id: main
                experts: [writer]
                fallback: writer
            """
                .formatted(mode, upstream.getAddress().getPort()),
            "test");
  }

  HttpResponse<String> chat(HimoeServer server, Integer maxTokens) throws Exception {
    String limit = maxTokens == null ? "" : ", \"max_tokens\": " + maxTokens;
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"main\", \"messages\": [{\"role\": \"user\", \"content\":"
                            + " \"write a long story about a robot\"}]"
                            + limit
                            + "}",
                        StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ecoSendsTheSmallModelAndCapsMaxTokensAtItsBudget() throws Exception {
    try (Assembly a = Assembly.build(config("eco"));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("eco.db"))) {
      assertThat(chat(server, 1000).statusCode()).isEqualTo(200);
      assertThat(chat(server, 20).statusCode()).isEqualTo(200);
    }
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).path("model").asText()).isEqualTo("mini");
    assertThat(requests.get(0).path("max_tokens").asInt()).isEqualTo(64);
    // a client's smaller limit stands
    assertThat(requests.get(1).path("max_tokens").asInt()).isEqualTo(20);
  }

  @Test
  void maximumSendsTheLargeModelWithItsLargerBudget() throws Exception {
    try (Assembly a = Assembly.build(config("maximum"));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("max.db"))) {
      assertThat(chat(server, 1000).statusCode()).isEqualTo(200);
      assertThat(chat(server, null).statusCode()).isEqualTo(200);
    }
    assertThat(requests).extracting(r -> r.path("model").asText()).containsOnly("big");
    assertThat(requests.get(0).path("max_tokens").asInt()).isEqualTo(512);
    assertThat(requests.get(1).path("max_tokens").asInt()).isEqualTo(512);
  }

  @Test
  void aStreamedChatStreamsFromTheModelOfTheModesTier() throws Exception {
    try (Assembly a = Assembly.build(config("eco"));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("stream.db"))) {
      HttpResponse<java.util.stream.Stream<String>> res =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\": \"main\", \"stream\": true, \"max_tokens\": 1000,"
                                  + " \"messages\": [{\"role\": \"user\", \"content\":"
                                  + " \"write a long story about a robot\"}]}",
                              StandardCharsets.UTF_8))
                      .build(),
                  HttpResponse.BodyHandlers.ofLines());
      assertThat(res.statusCode()).isEqualTo(200);
      List<JsonNode> chunks = new java.util.ArrayList<>();
      for (String line : (Iterable<String>) res.body()::iterator) {
        if (line.startsWith("data: {")) {
          chunks.add(JSON.readTree(line.substring(6)));
        }
      }
      StringBuilder text = new StringBuilder();
      int contentChunks = 0;
      for (JsonNode c : chunks) {
        if (c.at("/choices/0/delta/content").isTextual()) {
          text.append(c.at("/choices/0/delta/content").asText());
          contentChunks++;
        }
      }
      // the small model's own tokens, one chunk each as they came, under the mode's token cap
      assertThat(text.toString()).isEqualTo("an answer from mini");
      assertThat(contentChunks).isEqualTo(4);
      assertThat(chunks.getLast().at("/himoe/streamed_tokens").asInt()).isEqualTo(4);
    }
    assertThat(requests).hasSize(1);
    assertThat(requests.getFirst().path("stream").asBoolean()).isTrue();
    assertThat(requests.getFirst().path("model").asText()).isEqualTo("mini");
    assertThat(requests.getFirst().path("max_tokens").asInt()).isEqualTo(64);
  }

  @Test
  void aTierNamingAModelTheExpertDoesNotHaveIsRefused() {
    assertThatThrownBy(
            () ->
                ConfigLoader.of(Map.of())
                    .parse(
                        """
                        experts:
                          - name: writer
                            kind: llm
                            endpoint: http://127.0.0.1:9/v1
                            models: [mini]
                            options: {tiers: "small: mini, huge: big"}
                        routers:
                          - id: main
                        """,
                        "test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("experts[0].options.tiers: expected 'tier: model' pairs");
  }
}
