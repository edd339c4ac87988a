package io.himoe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: branched} in YAML, in a real server on 127.0.0.1: the gate fits the routes of the
 * experts that have examples, then learns a route to an expert that has none from feedback naming
 * it, and keeps routing the first ones.
 */
class BranchedRouterServerTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String KEY = "it-key-123";

  @TempDir Path dir;

  static final List<String> CHECKLISTS =
      List.of(
          "checklist for the office move",
          "packing checklist for a ski trip",
          "checklist before the release",
          "a checklist for opening the shop",
          "safety checklist for the lab",
          "checklist to onboard a new hire",
          "wedding day checklist",
          "checklist for closing the quarter");

  static HimoeConfig config() {
    return ConfigLoader.of(Map.of("TEST_KEY", KEY))
        .parse(
            """
            server:
              auth:
                api_keys: ["${TEST_KEY}"]
            experts:
              - name: planning
                kind: planner
                examples: ["plan the trip: book; pack", "steps to move house",
                           "roadmap for the launch", "plan my week", "steps to learn french"]
              - name: math
                kind: math
                examples: ["what is 2 + 2", "compute 7 * 6", "combien font 3 * 4",
                           "12 / 4", "what is 15 - 9"]
              - name: checklist
                kind: planner
            routers:
              - id: learnt
                type: branched
                encoder: hashing
            """,
            "test");
  }

  static JsonNode post(HimoeServer s, String path, Object body) throws Exception {
    HttpResponse<String> res =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(s.url() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(path + ": " + res.body()).isBetween(200, 299);
    return JSON.readTree(res.body());
  }

  static JsonNode ask(HimoeServer s, String text) throws Exception {
    return post(
        s,
        "/v1/chat/completions",
        Map.of("model", "learnt", "messages", List.of(Map.of("role", "user", "content", text))));
  }

  static String expertOf(JsonNode completion) {
    return completion.at("/himoe/experts/0").asText();
  }

  @Test
  void theGateLearnsARouteFromFeedbackAndKeepsTheFittedOnes() throws Exception {
    try (Assembly a = Assembly.build(config());
        HimoeServer s =
            HimoeServer.builder(a)
                .host("127.0.0.1")
                .port(0)
                .feedbackDb(dir.resolve("fb.db"))
                .start()) {
      // fitted from the examples
      assertThat(expertOf(ask(s, "compute 8 * 9"))).isEqualTo("math");
      assertThat(expertOf(ask(s, "steps to plan the launch"))).isEqualTo("planning");
      // 32 feedbacks (the router's batch) name 'checklist' as the best expert
      for (int i = 0; i < 32; i++) {
        JsonNode answer = ask(s, CHECKLISTS.get(i % CHECKLISTS.size()));
        post(
            s,
            "/v1/feedback",
            Map.of("trace_id", answer.path("trace_id").asText(), "best_expert", "checklist"));
      }
      assertThat(expertOf(ask(s, "checklist for the office move"))).isEqualTo("checklist");
      assertThat(expertOf(ask(s, "checklist for the product launch"))).isEqualTo("checklist");
      // the fitted routes are still there
      assertThat(expertOf(ask(s, "compute 8 * 9"))).isEqualTo("math");
      assertThat(expertOf(ask(s, "what is 6 + 5"))).isEqualTo("math");
      assertThat(expertOf(ask(s, "steps to plan the launch"))).isEqualTo("planning");
    }
  }
}
