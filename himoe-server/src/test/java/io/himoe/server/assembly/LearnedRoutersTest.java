package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.engine.Answer;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.Feedback;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router types and expert kinds the server builds from configuration, on the real experts: the
 * default neural router fitted from example requests, bandit and hybrid routers, the learning
 * snapshot across restarts, an {@code llm} expert against a real OpenAI-compatible server, and the
 * configuration errors of each.
 */
class LearnedRoutersTest {

  @TempDir Path dir;

  static String firstExpert(Answer a) {
    return a.trace().stages().getFirst().experts().stream()
        .filter(e -> e.status() == io.himoe.engine.ExpertStatus.ANSWERED)
        .map(ExpertTrace::name)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void defaultNeuralRouterSendsEachKindOfRequestToItsExpert() {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).embeddedDefault())) {
      a.warmUp(System.err);
      Map<String, String> expected =
          Map.of(
              "Plan: paint the kitchen\n1. buy paint\n2. move the furniture", "planning",
              "What is 12 * (7 + 5) - 3?", "math",
              "Étiquette cette phrase : le petit chat dort sur le canapé.", "nlp_french_tagger",
              "Quelle est la langue de cette phrase : der Hund schläft im Garten?", "lang_detect",
              "What is a mixture of experts in machine learning?", "knowledge");
      for (Map.Entry<String, String> e : expected.entrySet()) {
        Answer ans = a.engine().ask(InputData.text(e.getKey()), a.newContext(null, null));
        assertThat(firstExpert(ans)).as(e.getKey()).isEqualTo(e.getValue());
      }
      Answer math =
          a.engine().ask(InputData.text("What is 12 * (7 + 5) - 3?"), a.newContext(null, null));
      assertThat(math.value().render()).isEqualTo("141");
    }
  }

  static final String EXPERTS = ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES;

  @Test
  void learnedStateSurvivesARestartThroughTheSnapshot() throws Exception {
    Path snap = dir.resolve("learning.snap");
    String yaml =
        EXPERTS
            + """
            routers:
              - id: main
                type: neural
                seed: 7
              - id: arms
                type: bandit
                bandit: thompson
            learning:
              snapshot_path: "%s"
            """
                .formatted(snap.toString().replace("\\", "/"));
    HimoeConfig cfg = ConfigLoader.of(Map.of()).parse(yaml, "test");
    double before;
    try (Assembly a = Assembly.build(cfg)) {
      for (int i = 0; i < 20; i++) {
        Answer ans = a.engine().ask(InputData.text("compute 3 * " + i), a.newContext(null, "main"));
        a.engine().feedback(Feedback.bestExpert(ans.trace().traceId(), "math"));
        Answer arm = a.engine().ask(InputData.text("what is 1 + " + i), a.newContext(null, "arms"));
        a.engine().feedback(Feedback.reward(arm.trace().traceId(), 1.0));
      }
      before = weightOf(a, "compute 9 * 9", "math");
    }
    assertThat(Files.size(snap)).isPositive();
    try (Assembly restored = Assembly.build(cfg)) {
      assertThat(weightOf(restored, "compute 9 * 9", "math")).isEqualTo(before);
    }
    // A fresh start from the examples alone gives a different (less trained) gate.
    HimoeConfig fresh =
        ConfigLoader.of(Map.of())
            .parse(
                yaml.replace(
                    snap.toString().replace("\\", "/"),
                    dir.resolve("other.snap").toString().replace("\\", "/")),
                "test");
    try (Assembly a = Assembly.build(fresh)) {
      assertThat(weightOf(a, "compute 9 * 9", "math")).isNotEqualTo(before);
    }
  }

  static double weightOf(Assembly a, String text, String expert) {
    return a.engine().preview(InputData.text(text), a.newContext(null, "main")).experts().stream()
        .filter(e -> e.name().equals(expert))
        .findFirst()
        .orElseThrow()
        .weight();
  }

  @Test
  void banditAndHybridRoutersAnswerAndLearn() {
    String yaml =
        EXPERTS
            + """
            routers:
              - id: ucb
                type: bandit
              - id: mix
                type: hybrid
                gate_weight: 0.5
                self_weight: 0.5
            """;
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "test"))) {
      for (int i = 0; i < 6; i++) {
        Answer ans = a.engine().ask(InputData.text("what is 6 * " + i), a.newContext(null, "ucb"));
        a.engine()
            .feedback(
                Feedback.reward(ans.trace().traceId(), firstExpert(ans).equals("math") ? 1 : 0));
      }
      Answer hybrid = a.engine().ask(InputData.text("what is 6 * 7"), a.newContext(null, "mix"));
      assertThat(firstExpert(hybrid)).isEqualTo("math");
      assertThat(hybrid.value().render()).isEqualTo("42");
    }
  }

  @Test
  void llmExpertCallsARealOpenAiCompatibleServer() {
    // The upstream is another Hi-MoE server: it speaks the OpenAI chat-completions protocol.
    try (Assembly upstream = Assembly.build(ServerFixtures.PLANNER_ONLY);
        HimoeServer server = ServerFixtures.serve(upstream, dir.resolve("up.db"))) {
      String yaml =
          """
          # Generous: the first call loads the HTTP client stack on a busy CI machine.
          budgets:
            deadline_ms: 15000
          experts:
            - name: remote
              kind: llm
              endpoint: "%s/v1"
              models: [himoe]
              api_key: "${UPSTREAM_KEY}"
              cost_per_1k_tokens: 0.002
          routers:
            - id: main
          """
              .formatted(server.url());
      HimoeConfig cfg = ConfigLoader.of(Map.of("UPSTREAM_KEY", "secret-1")).parse(yaml, "test");
      try (Assembly a = Assembly.build(cfg)) {
        Answer ans =
            a.engine().ask(InputData.text("plan: wash; dry; fold"), a.newContext(null, null));
        assertThat(firstExpert(ans)).isEqualTo("remote");
        assertThat(ans.value().render()).contains("wash").contains("dry").contains("fold");
        assertThat(ans.trace().costUnits()).isPositive();
      }
    }
  }

  @Test
  void configurationErrorsNameTheField() {
    ConfigLoader loader = ConfigLoader.of(Map.of());
    String oneExampleOnly =
        """
        experts:
          - name: planning
            kind: planner
            examples: ["plan it"]
          - name: math
            kind: math
        routers:
          - id: main
            type: neural
        """;
    assertThatThrownBy(() -> loader.parse(oneExampleOnly, "test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routers[0].type")
        .hasMessageContaining("at least two of its experts");
    assertThatThrownBy(
            () ->
                loader.parse(
                    EXPERTS + "routers:\n  - id: main\n    type: neural\n    encoder: bert\n",
                    "test"))
        .hasMessageContaining("routers[0].encoder")
        .hasMessageContaining("hashing");
    assertThatThrownBy(
            () ->
                loader.parse(
                    EXPERTS + "routers:\n  - id: main\n    type: bandit\n    bandit: linucb\n",
                    "test"))
        .hasMessageContaining("routers[0].encoder")
        .hasMessageContaining("minilm");
    assertThatThrownBy(
            () ->
                loader.parse(
                    EXPERTS
                        + "routers:\n  - id: main\n    type: neural\n"
                        + "    encoder: onnx:/no/such/model.onnx\n",
                    "test"))
        .hasMessageContaining("routers[0].encoder")
        .hasMessageContaining("no such file /no/such/model.onnx");
    // Learned gates default to the strong combination; other routers keep the cheap encoder.
    var parsed =
        loader.parse(
            EXPERTS + "routers:\n  - id: main\n    type: neural\n  - id: b\n    type: bandit\n",
            "test");
    assertThat(parsed.routers().get(0).encoder())
        .isEqualTo(io.himoe.experts.encoders.Encoders.DEFAULT_ROUTING);
    assertThat(parsed.routers().get(1).encoder()).isEqualTo("hashing");
    assertThatThrownBy(
            () ->
                loader.parse(
                    EXPERTS + "routers:\n  - id: main\n    type: bandit\n    bandit: exp3\n",
                    "test"))
        .hasMessageContaining("routers[0].bandit");
    assertThatThrownBy(
            () ->
                loader.parse(
                    EXPERTS.replace("kind: math", "kind: maths") + "routers:\n  - id: main\n",
                    "test"))
        .hasMessageContaining("experts[1].kind")
        .hasMessageContaining("knowledge");
  }

  @Test
  void managementRemovesAnUnderperformingExpertFromItsRouters() {
    // "broken" calls a port nothing listens on: every call fails at once.
    String yaml =
        """
        experts:
          - name: planning
            kind: planner
          - name: broken
            kind: openai
            endpoint: "http://127.0.0.1:9/v1"
            models: [none]
            keywords: [broken]
        routers:
          - id: main
            fallback: planning
            reroute: {max: 0}
        management:
          remove_underperforming: true
          performance_threshold: 0.5
          min_calls: 3
        """;
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "test"))) {
      assertThat(a.managementEnabled()).isTrue();
      for (int i = 0; i < 3; i++) {
        String text = "broken " + i;
        assertThatThrownBy(() -> a.engine().ask(InputData.text(text), a.newContext(null, null)))
            .hasMessageContaining("broken");
      }
      assertThat(a.manage())
          .anySatisfy(
              action -> assertThat(action.toString()).contains("Removed").contains("broken"));
      assertThat(a.experts()).extracting(Assembly.ExpertInfo::name).containsExactly("planning");
      Answer after =
          a.engine().ask(InputData.text("broken again: pack; leave"), a.newContext(null, null));
      assertThat(firstExpert(after)).isEqualTo("planning");
    }
  }

  @Test
  void anLlmExpertStreamsItsTokensThroughTheServer() throws Exception {
    var last = streamThroughServer("", "up2");
    // The tokens came live from the llm expert's stream, not split after the answer.
    assertThat(last.path("himoe").path("streamed_tokens").asInt()).isGreaterThan(1);
    assertThat(last.path("himoe").path("experts").get(0).asText()).isEqualTo("remote");
  }

  @Test
  void anLlmExpertWithLimitsAndFallbacksStillStreams() throws Exception {
    var last =
        streamThroughServer(
            """
                max_instances: 2
                fallbacks: [planning]
            """,
            "up3");
    assertThat(last.path("himoe").path("streamed_tokens").asInt()).isGreaterThan(1);
    assertThat(last.path("himoe").path("experts").get(0).asText()).isEqualTo("remote");
  }

  @Test
  void aStreamThatFailsBeforeItsFirstTokenFallsBack() throws Exception {
    var last =
        streamThroughServer(
            """
                fallbacks: [planning]
            """,
            null);
    // The broken endpoint never sent a token, so the fallback (the planner, which does not
    // stream) answered, its whole answer streamed as one token.
    assertThat(last.path("himoe").path("experts").get(0).asText()).isEqualTo("remote");
    assertThat(last.path("himoe").path("streamed_tokens").asInt()).isEqualTo(1);
  }

  /**
   * Streams "plan: wash; dry; fold" through a server whose only routed expert is an llm expert
   * named remote (with {@code extra} spec lines) over an upstream Hi-MoE, or over a closed port
   * when {@code upstreamDb} is null; checks the streamed content and returns the last chunk.
   */
  private com.fasterxml.jackson.databind.JsonNode streamThroughServer(
      String extra, String upstreamDb) throws Exception {
    try (Assembly upstream = Assembly.build(ServerFixtures.PLANNER_ONLY);
        HimoeServer upServer =
            ServerFixtures.serve(
                upstream, dir.resolve((upstreamDb == null ? "unused" : upstreamDb) + ".db"))) {
      String endpoint = upstreamDb == null ? "http://127.0.0.1:9" : upServer.url();
      String yaml =
          """
          budgets:
            deadline_ms: 15000
          experts:
            - name: remote
              kind: llm
              endpoint: "%s/v1"
              models: [himoe]
          %s
            - name: planning
              kind: planner
          routers:
            - id: main
              experts: [remote]
          """
              .formatted(endpoint, extra.stripTrailing());
      try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "test"));
          HimoeServer server =
              HimoeServer.builder(a)
                  .host("127.0.0.1")
                  .port(0)
                  .feedbackDb(dir.resolve("d-" + upstreamDb + ".db"))
                  .start()) {
        var http = java.net.http.HttpClient.newHttpClient();
        var r =
            http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.url() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"main\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"plan: wash; dry; fold\"}]}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> events =
            r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events.getLast()).as(r.body()).isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        for (String e : events.subList(1, events.size() - 1)) {
          content.append(
              mapper.readTree(e).path("choices").path(0).path("delta").path("content").asText());
        }
        assertThat(content.toString()).contains("wash").contains("dry").contains("fold");
        return mapper.readTree(events.get(events.size() - 2));
      }
    }
  }
}
