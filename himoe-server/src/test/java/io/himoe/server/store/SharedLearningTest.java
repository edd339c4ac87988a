package io.himoe.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.server.ServerFixtures;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas in one JVM sharing a real PostgreSQL: learning, decisions, and the database going away.
 */
class SharedLearningTest {

  static final String TEXT = "tell me something about penguins";

  @TempDir Path dir;
  final List<HimoeServer> servers = new ArrayList<>();
  final List<Assembly> assemblies = new ArrayList<>();

  static String yaml(String url, Path outbox) {
    return ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES
        + """
        routers:
          - id: main
            type: neural
            seed: 7
        server:
          auth:
            enabled: false
        store:
          kind: postgres
          url: %s
          user: postgres
          outbox_dir: "%s"
        """
            .formatted(url, outbox.toString().replace("\\", "/"));
  }

  ReplicaClient replica(String url, String id) {
    HimoeConfig cfg = ConfigLoader.of(Map.of()).parse(yaml(url, dir.resolve("outbox")), "test");
    HimoeConfig.Store s = cfg.store();
    HimoeConfig withId =
        new HimoeConfig(
            cfg.server(),
            cfg.budgets(),
            cfg.aggregation(),
            cfg.experts(),
            cfg.routers(),
            cfg.orchestrator(),
            cfg.shadows(),
            cfg.learning(),
            cfg.management(),
            cfg.telemetry(),
            cfg.runtime(),
            new HimoeConfig.Store(
                s.kind(), s.url(), s.user(), s.passwordEnv(), s.pool(), id, s.outboxDir()));
    Assembly a = Assembly.build(withId);
    assemblies.add(a);
    HimoeServer server = HimoeServer.builder(a).host("127.0.0.1").port(0).start();
    servers.add(server);
    return new ReplicaClient(server.url());
  }

  @AfterEach
  void stop() {
    servers.forEach(HimoeServer::close);
    assemblies.forEach(Assembly::close);
  }

  @Test
  void feedbackSentToOneReplicaChangesRoutingOnAnotherWithinASecond() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    ReplicaClient a = replica(url, "a");
    ReplicaClient b = replica(url, "b");
    ReplicaClient c = replica(url, "c");
    String before = c.top(TEXT);
    assertThat(a.top(TEXT)).isEqualTo(before);
    String target = before.equals("math") ? "planning" : "math";
    long flippedOnA = -1;
    int feedbacks = 0;
    for (int i = 0; i < 200 && flippedOnA < 0; i++) {
      feedbacks++;
      // Decisions made on B, feedback sent to A: the decision is shared too.
      String trace = b.ask(TEXT);
      HttpResponse<String> r = a.feedback(trace, target);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      assertThat(ReplicaClient.JSON.readTree(r.body()).get("status").asText())
          .isEqualTo("accepted");
      if (a.top(TEXT).equals(target)) {
        flippedOnA = System.nanoTime();
      }
    }
    assertThat(flippedOnA).as("routing on A never changed").isPositive();
    long seenOnC = -1;
    while (System.nanoTime() - flippedOnA < 5_000_000_000L) {
      if (c.top(TEXT).equals(target)) {
        seenOnC = System.nanoTime();
        break;
      }
    }
    assertThat(seenOnC).as("routing on C never changed").isPositive();
    long ms = (seenOnC - flippedOnA) / 1_000_000;
    System.out.printf("routing changed on A after %d feedbacks, on C %d ms later%n", feedbacks, ms);
    assertThat(ms).isLessThan(1_000);
    JsonNode ready = c.get("/readyz");
    assertThat(ready.get("status").asText()).isEqualTo("ready");
    assertThat(ready.get("store").get("kind").asText()).isEqualTo("postgres");
    String metrics = scrape(c);
    assertThat(metrics).contains("himoe_store_up 1.0");
    assertThat(metrics).containsPattern("himoe_store_log_position [1-9]");
  }

  static String scrape(ReplicaClient c) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.url() + "/metrics")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void feedbackForAnUnknownTraceIsStillRefusedOnEveryReplica() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    ReplicaClient a = replica(url, "a");
    HttpResponse<String> r = a.feedback("no-such-trace", "math");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("unknown_trace");
  }
}
