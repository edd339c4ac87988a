package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router's in-process encoder (here int8 MiniLM) is in-process model work like an expert's: under
 * the runtime, each request's embedding leases its working memory from the {@code activations}
 * pool, waits for it while the pool is full (backpressure), and fails with a 503 {@code
 * memory_exhausted} naming the pool when it can never get it — on 127.0.0.1, through the chat API.
 */
class RouterEncoderMemoryTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static HimoeConfig config(long activations) {
    return ConfigLoader.of(Map.of())
        .parse(
            """
            runtime:
              enabled: true
              memory_pools: {activations: %d}
            budgets:
              deadline_ms: 30000
            %s
            routers:
              - id: main
                type: neural
                encoder: minilm
                seed: 3
            """
                .formatted(activations, ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES),
            "test");
  }

  static MemoryPool activations(Assembly a) {
    return a.runtime().orElseThrow().pools().orElseThrow().pool("activations");
  }

  @Test
  void aPoolTooSmallForTheRoutersEncoderIsA503NamingThePool() throws Exception {
    // 4 MiB: less than the 8 MiB one MiniLM embedding needs; start-up (fitting) is not limited
    try (Assembly a =
            Assembly.build(
                config(4L << 20),
                InstantSource.system(),
                () -> RuntimeModelsTest.device(0.9, true));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("small.db"))) {
      HttpResponse<String> res = ServerFixtures.chat(server, "main", "compute 8 * 9");
      assertThat(res.statusCode()).as(res.body()).isEqualTo(503);
      assertThat(res.headers().firstValue("Retry-After")).hasValue("1");
      JsonNode error = JSON.readTree(res.body()).path("error");
      assertThat(error.path("code").asText()).isEqualTo("memory_exhausted");
      assertThat(error.path("message").asText()).contains("pool 'activations'");
      assertThat(activations(a).usedBytes()).isZero();
    }
  }

  @Test
  void aRequestWaitsWhileThePoolIsFullAndIsAnsweredWhenItFrees() throws Exception {
    try (Assembly a =
            Assembly.build(
                config(8L << 20),
                InstantSource.system(),
                () -> RuntimeModelsTest.device(0.9, true));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("fb.db"))) {
      MemoryPool pool = activations(a);
      HttpResponse<String> first = ServerFixtures.chat(server, "main", "compute 8 * 9");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      long granted = pool.grantedCount();
      assertThat(granted).as("the router's embedding leased its memory").isPositive();

      CompletableFuture<HttpResponse<String>> waiting;
      try (MemoryPool.Lease _ = pool.acquire(8L << 20, Duration.ZERO)) {
        waiting =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return ServerFixtures.chat(server, "main", "what is 6 + 5");
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.waiting() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(5); // poll: the request reaches the pool on the server's thread
        }
        assertThat(pool.waiting()).as("the request waits for memory").isEqualTo(1);
        assertThat(waiting).isNotDone();
      }
      HttpResponse<String> res = waiting.get(30, TimeUnit.SECONDS);
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      assertThat(JSON.readTree(res.body()).at("/choices/0/message/content").asText())
          .contains("11");
      assertThat(pool.usedBytes()).isZero();
    }
  }

  @Test
  void anEncoderWaitsForMemoryAtMostTheRequestsOwnDeadline() throws Exception {
    try (Assembly a =
            Assembly.build(
                config(8L << 20),
                InstantSource.system(),
                () -> RuntimeModelsTest.device(0.9, true));
        HimoeServer server = ServerFixtures.serve(a, dir.resolve("dl.db"))) {
      MemoryPool pool = activations(a);
      try (MemoryPool.Lease _ = pool.acquire(8L << 20, Duration.ZERO);
          java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
        long t0 = System.nanoTime();
        // budgets.deadline_ms is 30 s; this request asks for 1 s.
        HttpResponse<String> res =
            client.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.url() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .header("X-Himoe-Deadline-Ms", "1000")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"main\",\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"what is 6 + 5\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(res.statusCode()).as(res.body()).isEqualTo(503);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText())
            .isEqualTo("memory_exhausted");
        // Gave up at the request's 1 s deadline, not at budgets.deadline_ms (30 s).
        assertThat(ms).isLessThan(15_000);
        assertThat(pool.waiting()).isZero();
      }
    }
  }
}
