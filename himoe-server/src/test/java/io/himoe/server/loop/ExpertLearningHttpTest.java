package io.himoe.server.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.ServerFixtures;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experts that learn, through the HTTP API as a user drives them: feedback posted to {@code
 * /v1/feedback} reaches the knowledge expert that answered, its ranking changes, and the change
 * survives a restart of the server.
 */
class ExpertLearningHttpTest {

  static final String KEY = "learn-key";
  static final String QUESTION = "how long should green tea steep";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  Assembly assembly;
  HimoeServer server;

  @AfterEach
  void stop() {
    close();
  }

  private void close() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (assembly != null) {
      assembly.close();
      assembly = null;
    }
  }

  /** A keyword router in front of a knowledge expert (prior weight: null for the default). */
  private void serve(Path docs, String priorWeight) {
    String yaml =
        """
        server:
          auth:
            api_keys: ["${TEST_KEY}"]
        budgets:
          deadline_ms: 30000
        experts:
          - name: kb
            kind: knowledge
            options: {docs: "%s", index: "%s", encoder: hashing, passages: "1"%s}
          - name: math
            kind: math
            examples: ["what is 2 + 2", "compute 7 * 6"]
        routers:
          - id: main
            type: keyword
            keywords: {math: [compute]}
            fallback: kb
        """
            .formatted(
                docs.toString().replace('\\', '/'),
                dir.resolve("index").toString().replace('\\', '/'),
                priorWeight == null ? "" : ", prior_weight: \"" + priorWeight + "\"");
    assembly = Assembly.build(ConfigLoader.of(Map.of("TEST_KEY", KEY)).parse(yaml, "test"));
    server = ServerFixtures.serve(assembly, dir.resolve("fb.db"));
  }

  private Path docs() throws Exception {
    Path docs = dir.resolve("docs");
    Files.createDirectories(docs);
    Files.writeString(
        docs.resolve("shop.md"),
        "# Green tea offers\n\nGreen tea: steep it and enjoy, our green tea is on sale this week.\n");
    Files.writeString(
        docs.resolve("guide.md"),
        "# Brewing\n\nSteep green tea for two to three minutes in water at 80 degrees.\n");
    Files.writeString(docs.resolve("other.md"), "# Coffee\n\nCoffee beans are roasted.\n");
    return docs;
  }

  /** The top passage of the chat answer: its trace id, source and prior. */
  private record Top(String traceId, String source, double prior) {}

  private Top ask() throws Exception {
    String body =
        "{\"model\":\"himoe\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode chat = JSON.readTree(r.body());
    assertThat(chat.path("himoe").path("experts").get(0).asText()).isEqualTo("kb");
    JsonNode passage =
        JSON.readTree(chat.at("/choices/0/message/content").asText()).path("passages").get(0);
    return new Top(
        chat.path("trace_id").asText(),
        passage.path("source").asText(),
        passage.path("prior").asDouble());
  }

  private void rate(String traceId, double reward) throws Exception {
    String body =
        "{\"trace_id\":\"" + traceId + "\",\"reward\":" + reward + ",\"best_expert\":\"kb\"}";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/feedback"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  @Test
  void feedbackOverHttpChangesTheKnowledgeRankingAndSurvivesARestart() throws Exception {
    Path docs = docs();
    serve(docs, null);
    Top first = ask();
    assertThat(first.prior()).isEqualTo(0.5);
    // Users rate the first passage useless: it sinks, the other green-tea passage rises.
    Top top = first;
    int n = 0;
    while (top.source().equals(first.source()) && n < 20) {
      rate(top.traceId(), 0);
      top = ask();
      n++;
    }
    assertThat(top.source()).as("top passage after %d ratings", n).isNotEqualTo(first.source());
    String learned = top.source();
    for (int i = 0; i < 5; i++) {
      rate(top.traceId(), 1);
      top = ask();
    }
    assertThat(top.source()).isEqualTo(learned);
    assertThat(top.prior()).isGreaterThan(0.7);

    // A restart: the priors were saved beside the index and are read back.
    close();
    serve(docs, null);
    Top after = ask();
    assertThat(after.source()).isEqualTo(learned);
    assertThat(after.prior()).isGreaterThan(0.7);
  }

  @Test
  void withoutPriorWeightTheRankingDoesNotMove() throws Exception {
    serve(docs(), "0");
    Top first = ask();
    for (int i = 0; i < 10; i++) {
      rate(ask().traceId(), 0);
    }
    assertThat(ask().source()).isEqualTo(first.source());
  }
}
