package io.himoe.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.server.ServerFixtures;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Hi-MoE server processes on loopback sharing one real PostgreSQL, as behind a load balancer:
 * learning travels between them, a replica killed with {@code kill -9} loses nothing acknowledged
 * and catches up when restarted, and the database going away and coming back loses nothing
 * acknowledged.
 */
class ReplicaProcessesTest {

  // Both experts can answer it (math finds 2 + 2, the planner two steps); a text neither can
  // process is a 422 since math and the planner say so.
  static final String TEXT = "tell me something about penguins, then 2 + 2";

  @TempDir static Path dir;
  static TestPostgres pg;
  static String url;
  static final List<ReplicaProcess> replicas = new ArrayList<>();

  @BeforeAll
  static void startReplicas() throws Exception {
    pg = TestPostgres.own(dir.resolve("pg"));
    url = pg.newDatabase();
    Path config = dir.resolve("himoe.yaml");
    Files.writeString(
        config,
        ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES
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
              pool: {max: 4, connect_timeout_ms: 300}
              outbox_dir: "%s"
            """
                .formatted(url, dir.resolve("outbox").toString().replace("\\", "/")),
        StandardCharsets.UTF_8);
    for (String name : List.of("a", "b", "c")) {
      replicas.add(
          new ReplicaProcess(config, ReplicaProcess.freePort(), dir.resolve(name + ".log"))
              .start());
    }
    for (ReplicaProcess r : replicas) {
      r.awaitReady(90_000);
    }
  }

  @AfterAll
  static void stopReplicas() throws Exception {
    for (ReplicaProcess r : replicas) {
      r.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static List<FeedbackStore.Entry> log() {
    try (SharedStore s =
        SharedStore.open(SharedStoreTest.config(url), Map.of(), InstantSource.system())) {
      return s.feedback().after(0, 100_000);
    }
  }

  static long position(ReplicaClient r) throws Exception {
    return r.get("/readyz").get("store").get("position").asLong();
  }

  static void awaitPosition(ReplicaClient r, long atLeast, long ms) throws Exception {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (position(r) < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(20); // poll interval
    }
    assertThat(position(r)).as("position of " + r.url()).isGreaterThanOrEqualTo(atLeast);
  }

  @Test
  void feedbackSentToReplicaAChangesRoutingOnReplicaCWithinOneSecond() throws Exception {
    ReplicaClient a = replicas.get(0).client();
    ReplicaClient c = replicas.get(2).client();
    String before = c.top(TEXT);
    String target = before.equals("math") ? "planning" : "math";
    long acked = -1;
    for (int i = 0; i < 200 && acked < 0; i++) {
      HttpResponse<String> r = a.feedback(a.ask(TEXT), target);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      if (a.top(TEXT).equals(target)) {
        acked = System.nanoTime();
      }
    }
    assertThat(acked).as("routing on A never changed").isPositive();
    while (!c.top(TEXT).equals(target) && System.nanoTime() - acked < 5_000_000_000L) {
      Thread.sleep(5); // poll interval
    }
    long ms = (System.nanoTime() - acked) / 1_000_000;
    assertThat(c.top(TEXT)).isEqualTo(target);
    assertThat(ms).isLessThan(1_000);
  }

  @Test
  void aReplicaKilledDuringAFeedbackStreamLosesNothingAcknowledgedAndCatchesUp() throws Exception {
    ReplicaProcess victim = replicas.get(1);
    ReplicaClient b = victim.client();
    List<String> acked = new CopyOnWriteArrayList<>();
    AtomicBoolean streaming = new AtomicBoolean(true);
    Thread stream =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; streaming.get() && i < 10_000; i++) {
                    try {
                      String t = b.ask("compute " + i + " * 7");
                      if (b.feedbackReward(t, 0.9).statusCode() == 202) {
                        acked.add(t);
                      }
                    } catch (Exception killed) {
                      return;
                    }
                  }
                });
    while (acked.size() < 40) {
      Thread.sleep(5); // poll interval
    }
    victim.kill();
    streaming.set(false);
    stream.join();
    List<FeedbackStore.Entry> log = log();
    assertThat(log).extracting(FeedbackStore.Entry::traceId).containsAll(acked);
    long last = log.getLast().id();
    victim.start();
    ReplicaClient restarted = victim.awaitReady(90_000);
    awaitPosition(restarted, last, 10_000);
    awaitPosition(replicas.get(0).client(), last, 10_000);
  }

  @Test
  void theDatabaseStoppedAndRestartedMidStreamLosesNothingAcknowledged() throws Exception {
    ReplicaClient a = replicas.get(0).client();
    ReplicaClient c = replicas.get(2).client();
    List<String> acked = new ArrayList<>();
    int queued = 0;
    for (int i = 0; i < 60; i++) {
      if (i == 20) {
        pg.stop();
      }
      if (i == 40) {
        // Down: the replicas answered from their last loaded state and queued feedback on disk.
        JsonNode degraded = a.get("/readyz");
        assertThat(degraded.get("status").asText()).isEqualTo("degraded");
        assertThat(degraded.get("store").get("up").asBoolean()).isFalse();
        assertThat(degraded.get("store").get("queued_feedback").asLong()).isPositive();
        pg.start();
      }
      ReplicaClient r = i % 2 == 0 ? a : c;
      String t = r.ask("compute " + i + " + 1");
      HttpResponse<String> resp = r.feedbackReward(t, 0.5);
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(202);
      JsonNode body = ReplicaClient.JSON.readTree(resp.body());
      if (body.get("status").asText().equals("queued")) {
        queued++;
      }
      acked.add(t);
    }
    assertThat(queued).as("feedback queued while the database was down").isPositive();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline
        && (!a.get("/readyz").get("status").asText().equals("ready")
            || !c.get("/readyz").get("status").asText().equals("ready"))) {
      Thread.sleep(20); // poll interval
    }
    assertThat(a.get("/readyz").get("status").asText()).isEqualTo("ready");
    assertThat(c.get("/readyz").get("status").asText()).isEqualTo("ready");
    Map<String, Integer> times = new HashMap<>();
    for (FeedbackStore.Entry e : log()) {
      times.merge(e.traceId(), 1, Integer::sum);
    }
    for (String t : acked) {
      assertThat(times.get(t)).as("entries for acknowledged trace " + t).isEqualTo(1);
    }
  }
}
