package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client mistakes are 4xx with a JSON error, never 5xx; re-routes happen behind the answer. */
class ClientMistakeTest {

  @TempDir Path dir;

  private static final String CONFIG =
      """
      experts:
        - name: math
          kind: math
          keywords: [what, compute]
        - name: planning
          kind: planner
          keywords: [plan]
      routers:
        - id: main
          type: keyword
          top_k: 1
      """;

  @Test
  void divisionByZeroIsA422NamingEachExpertsReason() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(CONFIG, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      // Math cannot divide by zero; re-routed, the planner finds no plan in it either.
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "what is 1/0");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(r.body())
          .startsWith("{\"error\":")
          .contains("\"code\":\"unprocessable_input\"")
          .contains("math: at position 3 of '1/0': division by zero")
          .contains("planning: no plan in the text");
    }
  }

  @Test
  void aMathOnlyRouterAnswers422WithAJsonErrorForTextWithoutArithmetic() throws Exception {
    String mathOnly =
        """
        experts:
          - name: math
            kind: math
        routers:
          - id: main
            type: keyword
        """;
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(mathOnly, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "what is foo");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(r.body())
          .contains("\"code\":\"unprocessable_input\"")
          .contains("math: no arithmetic expression found in the text");
    }
  }

  @Test
  void aQuestionMisroutedToMathReachesTheKnowledgeExpertByReroute() throws Exception {
    // "what" leads to math; the knowledge expert comes second. Its index is built by the first
    // call: the deadline leaves room for it on a loaded machine.
    String config =
        """
        budgets:
          deadline_ms: 60000
        experts:
          - name: math
            kind: math
            keywords: [what, speed, light]
          - name: knowledge
            kind: knowledge
        routers:
          - id: main
            type: keyword
            top_k: 1
        """;
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "What is the speed of light?");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("299,792,458");
      String traceId = new ObjectMapper().readTree(r.body()).path("trace_id").asText();
      HttpResponse<String> trace =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(s.url() + "/v1/traces/" + traceId)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(trace.body()).contains("re-route 1: math cannot process the input -> knowledge");
    }
  }

  @Test
  void aTextOverAnExpertsInputLimitIsA422NamingTheLimitWithoutTheWork() throws Exception {
    String config =
        """
        budgets:
          deadline_ms: 60000
        experts:
          - name: knowledge
            kind: knowledge
          - name: math
            kind: math
            guard: {max_input_chars: 40}
        routers:
          - id: main
            type: keyword
            top_k: 1
        """;
    // 20,000 characters of words (about what 1 MB bodies of word salad start with).
    String text = "speed of light river mountain ".repeat(667).substring(0, 20_000);
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = ServerFixtures.chat(s, "main", text);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(r.body())
          .contains("\"code\":\"unprocessable_input\"")
          .contains("knowledge: text is 20000 chars, the limit is 8192 (guard.max_input_chars)")
          .contains("math: text is 20000 chars, the limit is 40 (guard.max_input_chars)");
      // Refused before any search: the knowledge index is not even built (that takes seconds).
      assertThat(ms).isLessThan(5_000);
    }
  }

  @Test
  void integersAreExactUpTo1000Digits() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(CONFIG, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "compute 2^3000");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains(BigInteger.TWO.pow(3000).toString());
    }
  }

  @Test
  void aRequestTheFirstExpertCannotHandleIsReroutedToTheNextBest() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(CONFIG, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      // "what" sends it to math, which finds no expression: re-routed to planning.
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "what to plan: wash; dry");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("wash").contains("dry");
    }
  }

  @Test
  void aPromptOverAnExpertsTokenLimitIsA422NamingTheLimitAndNeverSentUpstream() throws Exception {
    try (io.himoe.experts.llm.FaultyUpstream upstream =
        new io.himoe.experts.llm.FaultyUpstream()
            .always(new io.himoe.experts.llm.FaultyUpstream.Answer("short enough"))) {
      String config =
          """
          experts:
            - name: chat
              kind: llm
              endpoint: "%s"
              models: [m]
              guard: {max_input_tokens: 50}
          routers:
            - id: main
              type: keyword
              top_k: 1
          """
              .formatted(upstream.baseUrl());
      try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config, "t"));
          HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
        HttpResponse<String> ok = ServerFixtures.chat(s, "main", "say hello");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(upstream.requests()).isEqualTo(1);

        // 300 short words: about 300 tokens, far below any character limit (1,500 chars).
        HttpResponse<String> r = ServerFixtures.chat(s, "main", "tell me more ".repeat(100));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body())
            .contains("\"code\":\"unprocessable_input\"")
            .containsPattern("chat: input is 3[0-9][0-9] tokens, the limit is 50")
            .contains("(guard.max_input_tokens)");
        assertThat(upstream.requests()).as("never sent upstream").isEqualTo(1);
      }
    }
  }

  @Test
  void aTokenLimitBelowOneIsRefusedNamingTheField() {
    String config =
        """
        experts:
          - name: math
            kind: math
            guard: {max_input_tokens: 0}
        routers:
          - id: main
        """;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Assembly.build(ConfigLoader.of(Map.of()).parse(config, "t")))
        .hasMessageContaining("guard.max_input_tokens");
  }
}
