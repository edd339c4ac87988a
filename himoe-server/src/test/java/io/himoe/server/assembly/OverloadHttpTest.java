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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An expert at capacity over HTTP: with {@code max_instances: 1} and its one call held by a hung
 * upstream on 127.0.0.1, the next request is told the server is busy (503 {@code overloaded} with
 * {@code Retry-After}, which OpenAI clients honour) before its deadline, not a 502 or a 504.
 */
class OverloadHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DEADLINE_MS = 3_000;

  @TempDir Path dir;

  private FaultyUpstream upstream;

  @BeforeEach
  void start() throws Exception {
    upstream = new FaultyUpstream();
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void aFullBulkheadIs503WithRetryAfterBeforeTheDeadline() throws Exception {
    // One answer of 300 ms gives the expert a typical latency; every later call hangs.
    upstream
        .then(new FaultyUpstream.Slow(Duration.ofMillis(300), "first"))
        .always(new FaultyUpstream.Hang());
    String yaml =
        """
        budgets: {deadline_ms: %d}
        experts:
          - name: solo
            kind: llm
            endpoint: "%s"
            models: [m]
            max_instances: 1
            guard:
              breaker: {enabled: false}
        routers:
          - id: main
            type: keyword
            top_k: 1
        """
            .formatted(DEADLINE_MS, upstream.baseUrl());
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      assertThat(ServerFixtures.chat(s, "main", "hello").statusCode()).isEqualTo(200);
      assertThat(upstream.awaitRequests(1, Duration.ofSeconds(5))).isTrue();

      // The only slot is taken by a call the upstream never answers.
      CompletableFuture<HttpResponse<String>> holder =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ServerFixtures.chat(s, "main", "hello");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(upstream.awaitRequests(1, Duration.ofSeconds(10))).isTrue();

      long t0 = System.nanoTime();
      HttpResponse<String> busy = ServerFixtures.chat(s, "main", "hello");
      long ms = (System.nanoTime() - t0) / 1_000_000;

      JsonNode error = JSON.readTree(busy.body()).path("error");
      assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
      assertThat(error.path("code").asText()).isEqualTo("overloaded");
      assertThat(error.path("type").asText()).isEqualTo("server_error");
      assertThat(error.path("message").asText()).contains("solo at capacity (1 calls in flight)");
      assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
      // It gave up while the call itself (its typical 300 ms) would no longer fit.
      assertThat(ms).isLessThan(DEADLINE_MS);
      // The holder still ends at its own deadline.
      assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
    }
  }
}
