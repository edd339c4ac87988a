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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hedged calls over HTTP, with two {@code llm} experts on fault-injecting upstreams on 127.0.0.1:
 * once the first expert hangs past its observed latency percentile, the second is called too, its
 * answer is sent, the hung upstream connection is closed, and {@code /metrics} counts the hedge.
 */
class HedgeHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private FaultyUpstream primary;
  private FaultyUpstream backup;

  @BeforeEach
  void start() throws Exception {
    primary = new FaultyUpstream();
    backup = new FaultyUpstream().always(new FaultyUpstream.Answer("from backup"));
  }

  @AfterEach
  void stop() {
    primary.close();
    backup.close();
  }

  /** The primary leads by keyword ("go" and "fault"); the backup follows. */
  private String config(boolean hedge) {
    return """
        budgets: {deadline_ms: 20000}
        experts:
          - name: primary
            kind: llm
            endpoint: "%s"
            models: [p]
            keywords: [go, fault]
          - name: backup
            kind: llm
            endpoint: "%s"
            models: [b]
            keywords: [go]
        routers:
          - id: main
            type: keyword
            top_k: 1
            hedge: {enabled: %s, percentile: 95, min_answers: 5, min_delay_ms: 100}
        """
        .formatted(primary.baseUrl(), backup.baseUrl(), hedge);
  }

  private static String text(HttpResponse<String> res) throws Exception {
    JsonNode body = JSON.readTree(res.body());
    return res.statusCode() == 200
        ? body.at("/choices/0/message/content").asText()
        : res.statusCode() + " " + body.at("/error/message").asText();
  }

  private static String metrics(HimoeServer s) throws Exception {
    try (HttpClient c = HttpClient.newHttpClient()) {
      return c.send(
              HttpRequest.newBuilder(URI.create(s.url() + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  private static double counter(String metrics, String family, String expert) {
    Matcher m =
        Pattern.compile(
                "(?m)^" + family + "\\{[^}]*expert=\"" + expert + "\"[^}]*\\} ([0-9.eE+-]+)$")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void aHungFirstExpertIsHedgedTheBackupAnswersAndTheHedgeIsCounted() throws Exception {
    // Five quick answers give the primary a latency percentile; then it hangs.
    primary
        .then(
            new FaultyUpstream.Answer("from primary"),
            new FaultyUpstream.Answer("from primary"),
            new FaultyUpstream.Answer("from primary"),
            new FaultyUpstream.Answer("from primary"),
            new FaultyUpstream.Answer("from primary"))
        .always(new FaultyUpstream.Hang());
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config(true), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      for (int i = 0; i < 5; i++) {
        assertThat(text(ServerFixtures.chat(s, "main", "go fault"))).isEqualTo("from primary");
      }
      assertThat(counter(metrics(s), "himoe_hedges_started_total", "backup")).isZero();

      long t0 = System.nanoTime();
      HttpResponse<String> hedged = ServerFixtures.chat(s, "main", "go fault");
      long ms = (System.nanoTime() - t0) / 1_000_000;

      assertThat(text(hedged)).isEqualTo("from backup");
      // Answered by the hedge, long before the 20 s deadline the hung call would have held it.
      assertThat(ms).isLessThan(10_000);
      assertThat(backup.requests()).isEqualTo(1);
      // The losing call's upstream connection is closed, not held to the deadline.
      assertThat(primary.awaitClientsGone(1, Duration.ofSeconds(5))).isTrue();
      String m = metrics(s);
      assertThat(counter(m, "himoe_hedges_started_total", "backup")).isEqualTo(1.0);
      assertThat(counter(m, "himoe_hedges_won_total", "backup")).isEqualTo(1.0);
      assertThat(counter(m, "himoe_hedges_started_total", "primary")).isZero();
      assertThat(
              a.experts().stream()
                  .filter(e -> e.name().equals("backup"))
                  .findFirst()
                  .orElseThrow()
                  .hedgeWins())
          .isEqualTo(1);
    }
  }

  @Test
  void withTopTwoAHungPickIsHedgedToTheNextExpertNotAlreadyPicked() throws Exception {
    // primary and second are picked (top-k 2); backup is third by keyword weight.
    try (FaultyUpstream second =
        new FaultyUpstream().always(new FaultyUpstream.Answer("from second"))) {
      primary
          .then(
              new FaultyUpstream.Answer("from primary"),
              new FaultyUpstream.Answer("from primary"),
              new FaultyUpstream.Answer("from primary"),
              new FaultyUpstream.Answer("from primary"),
              new FaultyUpstream.Answer("from primary"))
          .always(new FaultyUpstream.Hang());
      String yaml =
          """
          budgets: {deadline_ms: 20000}
          experts:
            - name: primary
              kind: llm
              endpoint: "%s"
              models: [p]
              keywords: [go, fault, two]
            - name: second
              kind: llm
              endpoint: "%s"
              models: [s]
              keywords: [go, two]
            - name: backup
              kind: llm
              endpoint: "%s"
              models: [b]
              keywords: [go]
          routers:
            - id: main
              type: keyword
              top_k: 2
              hedge: {enabled: true, percentile: 95, min_answers: 5, min_delay_ms: 100}
          """
              .formatted(primary.baseUrl(), second.baseUrl(), backup.baseUrl());
      try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"));
          HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
        for (int i = 0; i < 5; i++) {
          assertThat(ServerFixtures.chat(s, "main", "go fault two").statusCode()).isEqualTo(200);
        }
        assertThat(backup.requests()).isZero();
        assertThat(second.requests()).isEqualTo(5);

        HttpResponse<String> hedged = ServerFixtures.chat(s, "main", "go fault two");

        assertThat(hedged.statusCode()).as(hedged.body()).isEqualTo(200);
        assertThat(text(hedged)).isIn("from second", "from backup");
        // The hedge went to backup, the next expert not already called, once.
        assertThat(backup.requests()).isEqualTo(1);
        assertThat(second.requests()).isEqualTo(6);
        // The losing call's upstream connection is closed, not held to the deadline.
        assertThat(primary.awaitClientsGone(1, Duration.ofSeconds(5))).isTrue();
        String m = metrics(s);
        assertThat(counter(m, "himoe_hedges_started_total", "backup")).isEqualTo(1.0);
        assertThat(counter(m, "himoe_hedges_won_total", "backup")).isEqualTo(1.0);
        assertThat(counter(m, "himoe_hedges_started_total", "second")).isZero();
        // The trace says which pick was hedged and who answered first.
        String traceId = JSON.readTree(hedged.body()).path("trace_id").asText();
        try (HttpClient c = HttpClient.newHttpClient()) {
          String trace =
              c.send(
                      HttpRequest.newBuilder(URI.create(s.url() + "/v1/traces/" + traceId)).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          assertThat(trace).contains("-> backup; backup answered first");
        }
      }
    }
  }

  @Test
  void withoutHedgingTheSameHangWaitsAndNothingIsCounted() throws Exception {
    primary.then(new FaultyUpstream.Answer("from primary")).always(new FaultyUpstream.Hang());
    String yaml = config(false).replace("deadline_ms: 20000", "deadline_ms: 1500");
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      assertThat(text(ServerFixtures.chat(s, "main", "go fault"))).isEqualTo("from primary");

      long t0 = System.nanoTime();
      String second = text(ServerFixtures.chat(s, "main", "go fault"));
      System.out.println(
          "no hedge: " + second + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");

      // No hedge: the hung call uses the whole deadline, and re-route has no time left.
      assertThat(second).startsWith("504 deadline exceeded");
      assertThat(backup.requests()).isZero();
      assertThat(counter(metrics(s), "himoe_hedges_started_total", "backup")).isZero();
    }
  }
}
