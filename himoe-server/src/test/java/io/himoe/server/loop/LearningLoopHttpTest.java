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
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learning loop through the HTTP API, with the built-in experts and an {@code llm} expert on a
 * local upstream (another Hi-MoE server speaking the OpenAI protocol): shadow credit and promotion,
 * A/B experiments, experts added at run time.
 */
class LearningLoopHttpTest {

  static final String KEY = "loop-key";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  Assembly upstreamAssembly;
  HimoeServer upstream;
  Assembly assembly;
  HimoeServer server;

  @BeforeEach
  void startUpstream() {
    upstreamAssembly = Assembly.build(ServerFixtures.PLANNER_ONLY);
    upstream = ServerFixtures.serve(upstreamAssembly, dir.resolve("up.db"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (assembly != null) {
      assembly.close();
    }
    upstream.close();
    upstreamAssembly.close();
  }

  /**
   * Experts: a French tagger (it answers any text: the bad routers below send arithmetic to it), a
   * planner, a math expert and an llm expert on the local upstream.
   */
  private String experts() {
    return """
        server:
          auth:
            api_keys: ["${TEST_KEY}"]
        budgets:
          deadline_ms: 30000   # routing is under test; a first model load on a loaded machine is slow
        experts:
          - name: tagger
            kind: fr-tagger
            examples: ["etiquette cette phrase en francais", "analyse grammaticale de la phrase"]
          - name: planning
            kind: planner
            examples: ["plan the trip: book; pack", "steps to move house", "roadmap for the launch"]
          - name: math
            kind: math
            examples: ["what is 2 + 2", "compute 7 * 6", "how much is 12 / 4", "calculate 5 - 3"]
          - name: remote
            kind: llm
            endpoint: "%s/v1"
            models: [himoe]
            examples: ["write a poem about the sea", "tell me a story", "summarise this email"]
        """
        .formatted(upstream.url());
  }

  private String lastYaml;

  private void serve(String yaml) {
    lastYaml = yaml;
    assembly = Assembly.build(ConfigLoader.of(Map.of("TEST_KEY", KEY)).parse(yaml, "test"));
    server = ServerFixtures.serve(assembly, dir.resolve("fb.db"));
  }

  private HttpResponse<String> post(String path, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode chat(String model, String text, String user) throws Exception {
    String body =
        "{\"model\":\""
            + model
            + "\","
            + (user == null ? "" : "\"user\":\"" + user + "\",")
            + "\"messages\":[{\"role\":\"user\",\"content\":\""
            + text
            + "\"}]}";
    HttpResponse<String> r = post("/v1/chat/completions", body, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private void feedback(String traceId, String field) throws Exception {
    HttpResponse<String> r =
        post("/v1/feedback", "{\"trace_id\":\"" + traceId + "\"," + field + "}", KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  @Test
  void aShadowThatIsBetterOnFeedbackIsCreditedAndPromoted() throws Exception {
    // main sends arithmetic to the French tagger (a bad keyword rule); the neural shadow has
    // learned
    // from the experts' examples that arithmetic is math's.
    serve(
        experts()
            + """
            routers:
              - id: main
                type: keyword
                keywords: {tagger: [compute, what, calculate]}
                fallback: tagger
                reroute: {max: 0}   # a bad router on purpose: no second chance
              - id: candidate
                type: neural
            shadows:
              routers: [candidate]
              sample_rate: 0
              credit: {promote: true, min_comparisons: 10}
            learning:
              snapshot_path: "%s"
            """
                .formatted(dir.resolve("learned.snap").toString().replace('\\', '/')));
    ShadowCredits credits = assembly.loop().shadows();
    int n = 0;
    String served = "main";
    while (served.equals("main") && n < 30) {
      JsonNode c = chat("himoe", "compute " + n + " + 2", null);
      served = c.path("himoe").path("router").asText();
      if (served.equals("main")) {
        assertThat(c.path("himoe").path("experts").get(0).asText()).isEqualTo("tagger");
        feedback(c.path("trace_id").asText(), "\"best_expert\":\"math\"");
        assertThat(credits.awaitIdle(Duration.ofSeconds(10))).isTrue();
      }
      n++;
    }
    // Credited from feedback, then promoted once the always-valid test was convinced.
    assertThat(served).as("promoted after %d requests", n).isEqualTo("candidate");
    JsonNode after = chat("himoe", "calculate 40 + 2", null);
    assertThat(after.path("himoe").path("router").asText()).isEqualTo("candidate");
    assertThat(after.path("himoe").path("experts").get(0).asText()).isEqualTo("math");
    assertThat(after.path("choices").get(0).path("message").path("content").asText())
        .contains("42");

    assertThat(get("/v1/shadows", null).statusCode()).isEqualTo(401);
    JsonNode view = JSON.readTree(get("/v1/shadows", KEY).body());
    assertThat(view.path("promotions").path("main").asText()).isEqualTo("candidate");
    JsonNode event = view.path("events").get(0);
    assertThat(event.path("kind").asText()).isEqualTo("promoted");
    assertThat(event.path("shadow_wins").asLong()).isGreaterThanOrEqualTo(10);
    assertThat(event.path("primary_wins").asLong()).isZero();
    assertThat(event.path("p_value").asDouble()).isLessThanOrEqualTo(0.05);
    // The demoted router now shadows the promoted one.
    HttpResponse<String> route = post("/v1/route", "{\"input\":\"compute 1 + 1\"}", null);
    assertThat(JSON.readTree(route.body()).path("router_id").asText()).isEqualTo("candidate");
    String metrics = get("/metrics", null).body();
    assertThat(metrics)
        .containsPattern(
            "himoe_shadow_credit_total\\{outcome=\"shadow\",primary=\"main\",shadow=\"candidate\"\\}"
                + " 1\\d\\.0");
    // The promotion is learned state: a restarted server keeps serving through the candidate.
    server.close();
    assembly.close();
    server = null;
    serve(lastYaml);
    assertThat(chat("himoe", "compute 5 + 5", null).path("himoe").path("router").asText())
        .isEqualTo("candidate");
  }

  @Test
  void aShadowThatWinsIsOnlyReportedWhenPromotionIsOff() throws Exception {
    serve(
        experts()
            + """
            routers:
              - id: main
                type: keyword
                keywords: {tagger: [compute, what, calculate]}
                fallback: tagger
                reroute: {max: 0}   # a bad router on purpose: no second chance
              - id: candidate
                type: neural
            shadows:
              routers: [candidate]
              sample_rate: 0
              credit: {min_comparisons: 10}
            """);
    for (int i = 0; i < 14; i++) {
      JsonNode c = chat("himoe", "compute " + i + " * 3", null);
      assertThat(c.path("himoe").path("router").asText()).isEqualTo("main");
      feedback(c.path("trace_id").asText(), "\"best_expert\":\"math\"");
    }
    assertThat(assembly.loop().shadows().awaitIdle(Duration.ofSeconds(10))).isTrue();
    JsonNode view = JSON.readTree(get("/v1/shadows", KEY).body());
    assertThat(view.path("promotions").size()).isZero();
    assertThat(view.path("events")).hasSize(1);
    assertThat(view.path("events").get(0).path("kind").asText()).isEqualTo("promotable");
    JsonNode pair = view.path("pairs").get(0);
    assertThat(pair.path("shadow_wins").asLong()).isEqualTo(14);
    assertThat(pair.path("win_rate95").path("low").asDouble()).isGreaterThan(0.7);
    assertThat(chat("himoe", "compute 1 + 1", null).path("himoe").path("router").asText())
        .isEqualTo("main");
  }

  @Test
  void anExperimentAssignsUsersStickilyMeasuresArmsAndCanBeStoppedAndPromoted() throws Exception {
    serve(
        experts()
            + """
            routers:
              - id: main
                type: keyword
                keywords: {tagger: [compute, what, calculate]}
                fallback: tagger
                reroute: {max: 0}   # a bad router on purpose: no second chance
              - id: candidate
                type: neural
            experiments:
              - name: gate-rollout
                unit: user
                arms:
                  - {router: main, weight: 0.5}
                  - {router: candidate, weight: 0.5}
                min_feedback: 5
            """);
    Map<String, String> armOf = new HashMap<>();
    Set<String> arms = new HashSet<>();
    for (int round = 0; round < 3; round++) {
      for (int u = 0; u < 12; u++) {
        JsonNode c = chat("himoe", "compute " + u + " + " + round, "user-" + u);
        String router = c.path("himoe").path("router").asText();
        String before = armOf.putIfAbsent("user-" + u, router);
        assertThat(router)
            .as("user-%d stays in its arm", u)
            .isEqualTo(before == null ? router : before);
        arms.add(router);
        boolean right = c.path("himoe").path("experts").get(0).asText().equals("math");
        feedback(c.path("trace_id").asText(), "\"reward\":" + (right ? 1 : 0));
      }
    }
    assertThat(arms).containsExactlyInAnyOrder("main", "candidate");

    JsonNode list = JSON.readTree(get("/v1/experiments", null).body());
    JsonNode e = list.path("experiments").get(0);
    assertThat(e.path("name").asText()).isEqualTo("gate-rollout");
    assertThat(e.path("state").asText()).isEqualTo("running");
    long assigned = 0;
    for (JsonNode a : e.path("arms")) {
      assigned += a.path("assigned").asLong();
      assertThat(a.path("answered").asLong()).isEqualTo(a.path("assigned").asLong());
      assertThat(a.path("feedbacks").asLong()).isEqualTo(a.path("assigned").asLong());
      assertThat(a.path("mean_latency_ms").isNumber()).isTrue();
    }
    assertThat(assigned).isEqualTo(36);
    JsonNode control = e.path("arms").get(0);
    JsonNode candidate = e.path("arms").get(1);
    assertThat(control.path("mean_reward").asDouble()).isEqualTo(0.0);
    // The neural arm sends arithmetic to math most of the time, the keyword arm never.
    assertThat(candidate.path("mean_reward").asDouble()).isGreaterThan(0.7);
    assertThat(candidate.path("probability_best").asDouble()).isGreaterThan(0.99);
    assertThat(e.path("decision").asText()).contains("'candidate' is better than 'main'");
    String metrics = get("/metrics", null).body();
    assertThat(metrics)
        .contains("himoe_experiment_requests_total{arm=\"candidate\",experiment=\"gate-rollout\"}")
        .contains("himoe_experiment_reward_total{arm=\"candidate\",experiment=\"gate-rollout\"}")
        .contains("himoe_experiment_cost_units_total")
        .contains("himoe_experiment_latency_seconds_total");

    assertThat(post("/v1/experiments/gate-rollout/stop", "{}", null).statusCode()).isEqualTo(401);
    assertThat(post("/v1/experiments/nope/stop", "{}", KEY).statusCode()).isEqualTo(404);
    HttpResponse<String> bad =
        post("/v1/experiments/gate-rollout/promote", "{\"router\":\"elsewhere\"}", KEY);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).path("error").path("message").asText())
        .startsWith("router:");
    JsonNode stopped = JSON.readTree(post("/v1/experiments/gate-rollout/stop", "{}", KEY).body());
    assertThat(stopped.path("state").asText()).isEqualTo("stopped");
    // Stopped: requests go where the rules send them.
    for (int u = 0; u < 12; u++) {
      assertThat(chat("himoe", "compute 1 + 1", "user-" + u).path("himoe").path("router").asText())
          .isEqualTo("main");
    }
    JsonNode promoted =
        JSON.readTree(
            post("/v1/experiments/gate-rollout/promote", "{\"router\":\"candidate\"}", KEY).body());
    assertThat(promoted.path("state").asText()).isEqualTo("promoted");
    assertThat(promoted.path("winner").asText()).isEqualTo("candidate");
    for (int u = 0; u < 12; u++) {
      assertThat(chat("himoe", "compute 1 + 1", "user-" + u).path("himoe").path("router").asText())
          .isEqualTo("candidate");
    }
  }

  @Test
  void anExpertAddedAtRunTimeIsRoutableByEveryRouterAndGetsNeuralTrafficAfterFeedback()
      throws Exception {
    serve(
        experts()
            + """
            routers:
              - id: main
                type: neural
              - id: bandit
                type: bandit
              - id: hybrid
                type: hybrid
              - id: keyword
                type: keyword
            """);
    String add =
        "{\"name\": \"langs\", \"kind\": \"lang-detect\", \"keywords\": [\"language\"],"
            + " \"examples\": [\"which language is this text\", \"detect the language of"
            + " bonjour\", \"what language is hola amigo\"]}";
    assertThat(post("/v1/experts", add, KEY).statusCode()).isEqualTo(201);
    for (String router : List.of("main", "bandit", "hybrid", "keyword")) {
      JsonNode preview =
          JSON.readTree(
              post(
                      "/v1/route",
                      "{\"model\":\"" + router + "\",\"input\":\"which language is ciao bella\"}",
                      null)
                  .body());
      assertThat(preview.path("experts").findValuesAsText("name"))
          .as("router %s sees the new expert", router)
          .contains("langs");
    }
    List<String> questions =
        List.of(
            "which language is guten morgen",
            "what language is obrigado",
            "which language is dziekuje bardzo",
            "detect the language of tack sa mycket",
            "which language is grazie mille",
            "what language is kiitos paljon");
    // Feedback names the right expert for language questions.
    for (int round = 0; round < 4; round++) {
      for (String q : questions) {
        JsonNode c = chat("main", q, null);
        feedback(c.path("trace_id").asText(), "\"best_expert\":\"langs\"");
      }
    }
    int toLangs = 0;
    List<String> fresh =
        List.of(
            "which language is merci beaucoup",
            "what language is dank je wel",
            "which language is tesekkur ederim",
            "detect the language of spasibo bolshoe",
            "which language is arigato gozaimasu");
    for (String q : fresh) {
      JsonNode c = chat("main", q, null);
      toLangs += c.path("himoe").path("experts").get(0).asText().equals("langs") ? 1 : 0;
    }
    assertThat(toLangs)
        .as("language questions the neural router sends to the new expert")
        .isEqualTo(5);
    JsonNode experts = JSON.readTree(get("/v1/experts", null).body());
    for (JsonNode e : experts.path("experts")) {
      if (e.path("name").asText().equals("langs")) {
        List<String> routers = new java.util.ArrayList<>();
        e.path("routers").forEach(r -> routers.add(r.asText()));
        assertThat(routers).containsExactlyInAnyOrder("main", "bandit", "hybrid", "keyword");
        assertThat(e.path("calls").asLong()).isGreaterThanOrEqualTo(5);
      }
    }
    // Arithmetic still goes to math.
    assertThat(chat("main", "compute 6 * 7", null).path("himoe").path("experts").get(0).asText())
        .isEqualTo("math");
  }
}
