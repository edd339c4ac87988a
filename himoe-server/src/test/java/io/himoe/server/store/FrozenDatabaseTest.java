package io.himoe.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose shared PostgreSQL stops answering without closing its connections (a frozen
 * process, a stalled network: a {@link StallingProxy} in front of a real PostgreSQL) keeps
 * answering chat requests of a limited key within a bounded time, from its own memory, and says
 * {@code degraded} on {@code /readyz}; feedback is queued on local disk. Without the driver's
 * timeouts the first request would wait forever.
 */
class FrozenDatabaseTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String KEY = "team-a-key-0123456789";

  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(Instant.parse("2026-01-05T10:00:10Z").toEpochMilli());
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  static HttpResponse<String> send(HimoeServer s, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(s.url() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + KEY)
            .header("X-Session-Id", "conv-1");
    b =
        body == null
            ? b.GET()
            : b.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static final String CHAT =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"plan: pack; travel; unpack\"}]}";

  @Test
  void aFrozenDatabaseCostsEachRequestABoundedWaitThenNoneAndTheServerSaysDegraded()
      throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String direct = pg.newDatabase();
    try (StallingProxy proxy = new StallingProxy(pg.port())) {
      String url = direct.replace(":" + pg.port() + "/", ":" + proxy.port() + "/");
      Assembly assembly =
          Assembly.build(
              ConfigLoader.of(Map.of("A", KEY))
                  .parse(
                      """
                      experts:
                        - name: planning
                          kind: planner
                          cost_per_call: 0.01
                      routers:
                        - id: main
                      sessions: {sticky: true}
                      server:
                        auth:
                          keys:
                            - alias: team-a
                              key: ${A}
                              requests_per_min: 1000
                              tokens_per_min: 100000
                              cost_per_day: 100
                      store:
                        kind: postgres
                        url: "%s"
                        user: postgres
                        pool: {max: 4, connect_timeout_ms: 500, query_timeout_ms: 500}
                        replica_id: r1
                        outbox_dir: "%s"
                      """
                          .formatted(url, dir.resolve("outbox").toString().replace("\\", "/")),
                      "test"));
      try (HimoeServer server =
          HimoeServer.builder(assembly)
              .host("127.0.0.1")
              .port(0)
              .clock(clock)
              .feedbackDb(dir.resolve("f.db"))
              .start()) {
        HttpResponse<String> first = send(server, "/v1/chat/completions", CHAT);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String traceId = JSON.readTree(first.body()).path("trace_id").asText();
        assertThat(traceId).isNotEmpty();
        assertThat(JSON.readTree(send(server, "/readyz", null).body()).path("status").asText())
            .isEqualTo("ready");

        proxy.stall();
        // Each request touches the database for its key's limits (admission, reservations,
        // settlement) and its session: with 500 ms to connect and 500 ms per answer, a request
        // waits a few seconds at most until the guard's breaker opens, then not at all.
        long slowestMs = 0;
        for (int i = 0; i < 6; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = send(server, "/v1/chat/completions", CHAT);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          slowestMs = Math.max(slowestMs, ms);
        }
        System.out.printf("frozen database: slowest chat %d ms%n", slowestMs);
        assertThat(slowestMs).as("slowest chat while frozen, ms").isLessThan(15_000);
        long t0 = System.nanoTime();
        assertThat(send(server, "/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
        long settledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("frozen database: chat after the breaker opened %d ms%n", settledMs);
        assertThat(settledMs).isLessThan(2_000);
        JsonNode ready = JSON.readTree(send(server, "/readyz", null).body());
        assertThat(ready.path("status").asText()).isEqualTo("degraded");
        // Feedback is acknowledged too (queued on local disk, replayed when the database is back).
        HttpResponse<String> fb =
            send(server, "/v1/feedback", "{\"trace_id\":\"" + traceId + "\",\"reward\":1.0}");
        assertThat(fb.statusCode()).as(fb.body()).isEqualTo(202);

        proxy.resume();
        // A call a second later (the guard's clock) reaches the database again; the queued
        // feedback is replayed by the replica's follower, which retries on its own.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"ready".equals(status(server)) && System.nanoTime() < deadline) {
          now.addAndGet(1_000);
          send(server, "/v1/chat/completions", CHAT);
          Thread.sleep(100);
        }
        assertThat(status(server)).isEqualTo("ready");
      } finally {
        assembly.close();
      }
    }
  }

  static String status(HimoeServer s) throws Exception {
    return JSON.readTree(send(s, "/readyz", null).body()).path("status").asText();
  }
}
