package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.experts.llm.FaultyUpstream;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hedging to the next model of one {@code llm} expert ({@code options.hedge_percentile}) over HTTP:
 * one local upstream serves both models by name; once model {@code a} hangs, a call is hedged to
 * {@code b} after {@code a}'s p95, {@code b}'s answer is sent, {@code a}'s connection is closed,
 * and the hedge is counted and charged.
 */
class LlmModelHedgeHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static String config(String upstream, String options) {
    return """
        budgets: {deadline_ms: 20000}
        experts:
          - name: chat
            kind: llm
            endpoint: "%s"
            models: [a, b]
            cost_per_1k_tokens: 1.0
            options: %s
        routers:
          - id: main
            type: keyword
            top_k: 1
        shadows: {sample_rate: 0}
        """
        .formatted(upstream, options);
  }

  /** One upstream serving models a and b by name; a hangs while {@code aHangs} is set. */
  private static FaultyUpstream modelAHangsWhen(AtomicBoolean aHangs) throws Exception {
    return new FaultyUpstream()
        .byModel(
            model ->
                model.equals("a") && aHangs.get()
                    ? new FaultyUpstream.Hang()
                    : new FaultyUpstream.Answer("from " + model));
  }

  private static double counter(HimoeServer s, String family) throws Exception {
    try (HttpClient c = HttpClient.newHttpClient()) {
      String m =
          c.send(
                  HttpRequest.newBuilder(URI.create(s.url() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher x =
          Pattern.compile("(?m)^" + family + "\\{[^}]*expert=\"chat\"[^}]*\\} ([0-9.eE+-]+)$")
              .matcher(m);
      return x.find() ? Double.parseDouble(x.group(1)) : Double.NaN;
    }
  }

  @Test
  void aLateModelIsHedgedToTheNextModelWhoseAnswerIsSentCountedAndCharged() throws Exception {
    AtomicBoolean aHangs = new AtomicBoolean();
    try (FaultyUpstream up = modelAHangsWhen(aHangs);
        Assembly asm =
            Assembly.build(
                ConfigLoader.of(Map.of())
                    .parse(config(up.baseUrl(), "{hedge_percentile: \"95\"}"), "t"));
        HimoeServer s = ServerFixtures.serve(asm, dir.resolve("f.db"))) {
      // Twenty quick answers, one at a time: the least-loaded choice takes model a each time and
      // gives it a latency percentile.
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = ServerFixtures.chat(s, "main", "hello");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText())
            .isEqualTo("from a");
      }
      assertThat(counter(s, "himoe_model_hedges_started_total")).isZero();
      aHangs.set(true);

      long t0 = System.nanoTime();
      HttpResponse<String> hedged = ServerFixtures.chat(s, "main", "hello");
      long ms = (System.nanoTime() - t0) / 1_000_000;

      assertThat(hedged.statusCode()).as(hedged.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(hedged.body());
      assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("from b");
      // Answered by the hedge, long before the 20 s deadline the hung call would have held.
      assertThat(ms).isLessThan(10_000);
      // The late model's connection is closed, not held to the deadline.
      assertThat(up.awaitClientsGone(1, Duration.ofSeconds(5))).isTrue();
      assertThat(counter(s, "himoe_model_hedges_started_total")).isEqualTo(1.0);
      assertThat(counter(s, "himoe_model_hedges_won_total")).isEqualTo(1.0);
      // Charged: b's answer (5 prompt + 1 completion tokens at 1.0 per 1k) and a's prompt.
      assertThat(body.at("/himoe/cost_units").asDouble()).isGreaterThan(0.006);
      assertThat(
              asm.experts().stream()
                  .filter(e -> e.name().equals("chat"))
                  .findFirst()
                  .orElseThrow()
                  .modelHedgeWins())
          .isEqualTo(1);
    }
  }

  @Test
  void withoutTheOptionTheSameHangIsNotHedged() throws Exception {
    AtomicBoolean aHangs = new AtomicBoolean();
    try (FaultyUpstream up = modelAHangsWhen(aHangs);
        Assembly asm =
            Assembly.build(
                ConfigLoader.of(Map.of())
                    .parse(
                        config(up.baseUrl(), "{}")
                            .replace("deadline_ms: 20000", "deadline_ms: 3000"),
                        "t"));
        HimoeServer s = ServerFixtures.serve(asm, dir.resolve("f.db"))) {
      for (int i = 0; i < 20; i++) {
        assertThat(ServerFixtures.chat(s, "main", "hello").statusCode()).isEqualTo(200);
      }
      aHangs.set(true);
      int before = up.requests();
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "hello");
      // The expert's own fallback: model b once a's share of the deadline has run out (about half
      // of it), not after a's p95; nothing is counted as a hedge.
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText())
          .isEqualTo("from b");
      assertThat(up.requests() - before).isEqualTo(2);
      assertThat(counter(s, "himoe_model_hedges_started_total")).isZero();
    }
  }
}
