package io.himoe.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.learning.state.LearningSnapshot;
import io.himoe.server.ServerFixtures;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
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

  // Both experts can answer it (math finds 2 + 2, the planner two steps); a text neither can
  // process is a 422 since math and the planner say so.
  static final String TEXT = "tell me something about penguins, then 2 + 2";

  @TempDir Path dir;
  final List<HimoeServer> servers = new ArrayList<>();
  final List<Assembly> assemblies = new ArrayList<>();

  static String yaml(String url, Path outbox) {
    return ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES
        + """
        routers:
          - id: main
            type: neural
            encoder: hashing
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
  void anExpectedAnswerAloneIsAcceptedAndKeptInTheSharedLog() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    ReplicaClient a = replica(url, "a");
    String trace = a.ask("compute 6 * 7");
    HttpResponse<String> r =
        a.post(
            "/v1/feedback",
            ReplicaClient.JSON
                .createObjectNode()
                .put("trace_id", trace)
                .put("expected", "42")
                .toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode stored = a.get("/v1/traces/" + trace).get("feedback").get(0);
    assertThat(stored.get("expected").asText()).isEqualTo("42");
    HttpResponse<String> blank =
        a.post(
            "/v1/feedback",
            ReplicaClient.JSON
                .createObjectNode()
                .put("trace_id", trace)
                .put("expected", " ")
                .toString());
    assertThat(blank.statusCode()).isEqualTo(400);
    assertThat(blank.body()).contains("expected");
  }

  @Test
  void feedbackForAnUnknownTraceIsStillRefusedOnEveryReplica() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    ReplicaClient a = replica(url, "a");
    HttpResponse<String> r = a.feedback("no-such-trace", "math");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("unknown_trace");
  }

  static long updates(Assembly a) {
    LearningSnapshot s = a.captureLearning();
    return s.gates().get("main").updates();
  }

  /**
   * Every replica trains on every shared feedback exactly once, also when saves race (the loser
   * reloads the winner's state and re-applies what it had trained on past the saved position): the
   * gate's update count on each replica ends at its start plus the number of feedbacks.
   */
  @Test
  void eachReplicaTrainsOnEachFeedbackOnceThroughRacingSavesAndReloads() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    ReplicaClient a = replica(url, "a");
    ReplicaClient b = replica(url, "b");
    long startA = updates(assemblies.get(0));
    long startB = updates(assemblies.get(1));
    int n = 130; // more than two saves' worth (one every 50 entries)
    for (int i = 0; i < n; i++) {
      // Decided on one replica, judged on the other: each trains once through the engine (its
      // own decisions) or by replay (the other's).
      ReplicaClient decider = i % 2 == 0 ? a : b;
      ReplicaClient judge = i % 2 == 0 ? b : a;
      String trace = decider.ask("compute " + i + " * 2");
      HttpResponse<String> r = judge.feedback(trace, i % 3 == 0 ? "planning" : "math");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline
        && (updates(assemblies.get(0)) != startA + n || updates(assemblies.get(1)) != startB + n)) {
      Thread.sleep(20); // poll interval
    }
    assertThat(updates(assemblies.get(0))).isEqualTo(startA + n);
    assertThat(updates(assemblies.get(1))).isEqualTo(startB + n);
    assertThat(startB).isEqualTo(startA);
    try (SharedStore s =
        SharedStore.open(SharedStoreTest.config(url), Map.of(), InstantSource.system())) {
      // Saves happened (so reloads and re-applies did), and the saved state counts each once.
      PostgresLearnedState.Versioned v = s.learnedState().latest().orElseThrow();
      assertThat(v.version()).isGreaterThanOrEqualTo(2);
      assertThat(v.snapshot().gates().get("main").updates())
          .isEqualTo(startA + v.position() - firstId(s) + 1);
    }
  }

  static long firstId(SharedStore s) {
    return s.feedback().after(0, 1).getFirst().id();
  }

  /**
   * A replica notified of a saved state older than its own position reloads it and re-applies the
   * entries after the saved position: nothing is lost, nothing counted twice.
   */
  @Test
  void aReplicaReloadingAnOlderSavedStateReappliesWhatItHadTrainedOnSince() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    ReplicaClient a = replica(url, "a");
    Assembly asm = assemblies.get(0);
    long start = updates(asm);
    for (int i = 0; i < 20; i++) {
      assertThat(a.feedback(a.ask("compute " + i + " - 1"), "math").statusCode()).isEqualTo(202);
    }
    awaitUpdates(asm, start + 20);
    LearningSnapshot at20 = asm.captureLearning();
    try (SharedStore s =
        SharedStore.open(SharedStoreTest.config(url), Map.of(), InstantSource.system())) {
      long p20 = s.feedback().after(0, 1000).getLast().id();
      for (int i = 0; i < 10; i++) {
        assertThat(a.feedback(a.ask("compute " + i + " - 2"), "planning").statusCode())
            .isEqualTo(202);
      }
      awaitUpdates(asm, start + 30);
      // Another replica saves the state it had at entry 20 (as if it had won a race then).
      boolean saved = false;
      while (!saved) {
        long head = s.learnedState().head().map(h -> h[0]).orElse(0L);
        saved = s.learnedState().save(head, p20, "other", at20).isPresent();
      }
      long version = s.learnedState().head().orElseThrow()[0];
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (a.get("/readyz").get("store").get("state_version").asLong() < version
          && System.nanoTime() < deadline) {
        Thread.sleep(10); // poll interval
      }
      assertThat(a.get("/readyz").get("store").get("state_version").asLong())
          .isGreaterThanOrEqualTo(version);
      awaitUpdates(asm, start + 30);
      assertThat(updates(asm)).isEqualTo(start + 30);
    }
  }

  static void awaitUpdates(Assembly a, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (updates(a) != expected && System.nanoTime() < deadline) {
      Thread.sleep(10); // poll interval
    }
    assertThat(updates(a)).isEqualTo(expected);
  }
}
