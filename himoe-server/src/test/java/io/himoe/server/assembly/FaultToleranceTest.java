package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.experts.llm.FaultyUpstream;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in front of faulty OpenAI-compatible upstreams on 127.0.0.1 (plain sockets: they hang
 * without a byte, fail, throttle with {@code Retry-After} and drip), under 16 concurrent clients
 * over HTTP: every request answers by its deadline plus a slack from a healthy expert, the failing
 * expert's breaker opens, and once its upstream heals it serves again within seconds.
 */
class FaultToleranceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The request deadline of the configuration below. */
  private static final long DEADLINE_MS = 2_000;

  /**
   * Slack over the deadline for the answer to reach the client: response writing and a loaded,
   * shared machine (the issue measured 63 ms; CI machines are slower).
   */
  private static final long SLACK_MS = 1_000;

  private static final int CLIENTS = 16;

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

  /**
   * The primary leads by keyword ("go" and "fault"); the backup follows. The primary's guard cuts a
   * call at 400 ms, and its breaker opens after 4 failures for 500 ms.
   */
  private String config() {
    return config("{}");
  }

  /** The same, with these options for the primary ({@code options.attempts}). */
  private String config(String primaryOptions) {
    return """
        budgets: {deadline_ms: %d}
        experts:
          - name: primary
            kind: llm
            endpoint: "%s"
            models: [p]
            keywords: [go, fault]
            options: %s
            guard:
              time_limit_ms: 400
              breaker: {window: 4, min_calls: 4, open_ms: 500, half_open_calls: 1}
          - name: backup
            kind: llm
            endpoint: "%s"
            models: [b]
            keywords: [go]
        routers:
          - id: main
            type: keyword
            top_k: 1
        """
        .formatted(DEADLINE_MS, primary.baseUrl(), primaryOptions, backup.baseUrl());
  }

  /** One client's request: status, answer text (or error), and how long it took. */
  record Reply(int status, String text, long ms) {}

  private static Reply ask(HimoeServer s) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> res = ServerFixtures.chat(s, "main", "go fault");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    JsonNode body = JSON.readTree(res.body());
    String text =
        res.statusCode() == 200
            ? body.at("/choices/0/message/content").asText()
            : body.at("/error/message").asText();
    return new Reply(res.statusCode(), text, ms);
  }

  /**
   * One answered request first: the timings then measure fault handling, not the class loading and
   * compilation of a cold server's first request.
   */
  private static void warmUp(HimoeServer s) throws Exception {
    // A cold call may pass the primary's 400 ms time limit on a loaded machine: then the backup
    // answers it, which warms the same code.
    assertThat(ask(s).status()).isEqualTo(200);
  }

  /** {@link #CLIENTS} clients, each sending {@code each} requests one after the other. */
  private static List<Reply> load(HimoeServer s, int each) throws Exception {
    List<CompletableFuture<List<Reply>>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      CompletableFuture<List<Reply>> f = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                List<Reply> mine = new ArrayList<>();
                try {
                  for (int i = 0; i < each; i++) {
                    mine.add(ask(s));
                  }
                  f.complete(mine);
                } catch (Exception e) {
                  f.completeExceptionally(e);
                }
              });
      clients.add(f);
    }
    List<Reply> all = new ArrayList<>();
    for (CompletableFuture<List<Reply>> f : clients) {
      all.addAll(f.get(60, TimeUnit.SECONDS));
    }
    return all;
  }

  private static void assertServedByBackupInTime(List<Reply> replies) {
    for (Reply r : replies) {
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("from backup");
      assertThat(r.ms())
          .as("answered by the deadline plus slack")
          .isLessThan(DEADLINE_MS + SLACK_MS);
    }
  }

  @Test
  void aHungUpstreamIsRoutedAroundAndServesAgainOnceItRecovers() throws Exception {
    primary.always(new FaultyUpstream.Hang());
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config(), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      warmUp(s);
      List<Reply> replies = load(s, 3);

      assertServedByBackupInTime(replies);
      assertThat(a.experts().stream().filter(e -> e.name().equals("primary")).findFirst())
          .hasValueSatisfying(e -> assertThat(e.circuit()).isIn("open", "half_open"));
      // Every hung call was closed by the server (no connection held until a 30 s timeout).
      assertThat(waitFor(() -> primary.inFlight() == 0, Duration.ofSeconds(10))).isTrue();

      primary.always(new FaultyUpstream.Answer("from primary"));
      // The breaker half-opens after 500 ms and a trial call closes it: the primary serves again.
      long healedAt = System.nanoTime();
      boolean back =
          waitFor(
              () -> {
                try {
                  return ask(s).text().equals("from primary");
                } catch (Exception e) {
                  return false;
                }
              },
              Duration.ofSeconds(15));
      assertThat(back).as("the primary answers again after its upstream healed").isTrue();
      assertThat((System.nanoTime() - healedAt) / 1_000_000).isLessThan(15_000);
      // Under concurrency too; on a loaded machine one call may pass the primary's 400 ms time
      // limit and be re-routed to the backup (correctly), so most, not all, must be the primary's.
      List<Reply> again = load(s, 1);
      for (Reply r : again) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.text()).isIn("from primary", "from backup");
      }
      assertThat(again.stream().filter(r -> r.text().equals("from primary")).count())
          .as("answers from the healed primary among %d concurrent requests", CLIENTS)
          .isGreaterThan(CLIENTS / 2);
    }
  }

  @Test
  void failingAndDrippingUpstreamsAreRoutedAroundWithinTheDeadline() throws Exception {
    // Half the primary's requests fail with 500, the other half drip one byte every 50 ms.
    primary.byRequest(
        n ->
            n % 2 == 0
                ? new FaultyUpstream.Status(500)
                : new FaultyUpstream.Drip(Duration.ofMillis(50), "dripped"));
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config(), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      warmUp(s);
      assertServedByBackupInTime(load(s, 3));
      assertThat(waitFor(() -> primary.inFlight() == 0, Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aRetryAfterThatFitsTheDeadlineIsHonouredAndOneThatDoesNotIsRoutedAround() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config(), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      // 429 asking for 10 s, far beyond the 2 s deadline: no retry, the backup answers at once.
      warmUp(s);
      int before = primary.requests();
      primary.then(new FaultyUpstream.RetryAfter(429, "10"));
      Reply r = ask(s);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("from backup");
      assertThat(r.ms()).isLessThan(DEADLINE_MS);
      assertThat(primary.requests()).isEqualTo(before + 1);
    }
  }

  @Test
  void oneAttemptPerModelSendsAFailedCallToTheNextExpertAtOnceThreeRetryIt() throws Exception {
    // options.attempts: "1": the primary's 500 is not retried, the router re-routes to the backup.
    try (Assembly a =
            Assembly.build(ConfigLoader.of(Map.of()).parse(config("{attempts: \"1\"}"), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      primary.always(new FaultyUpstream.Answer("from primary"));
      warmUp(s);
      int before = primary.requests();
      primary.then(new FaultyUpstream.Status(500));
      Reply r = ask(s);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("from backup");
      assertThat(primary.requests()).isEqualTo(before + 1);
    }
    // The default (3 attempts per model): the same 500 is retried on the primary, which answers.
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config(), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("g.db"))) {
      warmUp(s);
      int before = primary.requests();
      primary.then(new FaultyUpstream.Status(500));
      Reply r = ask(s);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("from primary");
      assertThat(primary.requests()).isEqualTo(before + 2);
    }
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes. */
  private static boolean waitFor(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }
}
