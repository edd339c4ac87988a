package io.himoe.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.server.ServerFixtures;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import io.himoe.server.store.FeedbackStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feedback sent to a real server is stored with the decision it judged (router, input, experts
 * called), and {@code himoe learn replay} retrains the learning routers from that log into the
 * learning snapshot.
 */
class LearnReplayTest {

  @TempDir Path dir;

  String config(Path snapshot) {
    return ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES
        + """
        routers:
          - id: main
            type: neural
            encoder: hashing
            reroute: {max: 0}
        learning:
          snapshot_path: "%s"
        """
            .formatted(snapshot.toString().replace("\\", "/"));
  }

  @Test
  void feedbackLogIsReplayedIntoTheSnapshot() throws Exception {
    Path snapshot = dir.resolve("learned.snap");
    Path db = dir.resolve("fb.db");
    Path cfgFile = dir.resolve("himoe.yaml");
    Files.writeString(cfgFile, config(snapshot));
    Map<String, String> env = Map.of("HIMOE_API_KEYS", "k1");
    HttpClient http = HttpClient.newHttpClient();
    try (Assembly a = Assembly.build(ConfigLoader.of(env).parse(config(snapshot), "test"));
        HimoeServer s = HimoeServer.builder(a).port(0).env(env).feedbackDb(db).start()) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> chat =
            http.send(
                HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":"
                                + "\"compute 6 * "
                                + i
                                + "\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("\"trace_id\":\"([^\"]+)\"").matcher(chat.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> fb =
            http.send(
                HttpRequest.newBuilder(URI.create(s.url() + "/v1/feedback"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer k1")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"trace_id\":\"" + m.group(1) + "\",\"best_expert\":\"math\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fb.statusCode()).isEqualTo(202);
      }
    }
    Files.deleteIfExists(snapshot);
    try (FeedbackStore store = FeedbackStore.open(db)) {
      var entries = store.forRouter("main");
      assertThat(entries).hasSize(3);
      assertThat(entries.getFirst().decision().orElseThrow().input()).isEqualTo("compute 6 * 0");
      assertThat(entries.getFirst().decision().orElseThrow().chosen()).hasSize(1);
    }

    CliTest.Run r =
        CliTest.run(
            "learn",
            "replay",
            "--feedback-db",
            db.toString(),
            "--config",
            cfgFile.toString(),
            "--passes",
            "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("replayed 6 feedback events");
    assertThat(Files.size(snapshot)).isPositive();
    // The provenance of what was saved: which gate, on which encoder and experts, how trained.
    assertThat(r.out())
        .containsPattern("router main \\(neural\\), version [0-9a-f]{8}\\.\\d+")
        .contains("encoder hashing")
        .contains("experts (2)")
        .containsPattern("feedbacks 6\\b")
        .contains("(was version ");
    var learned = io.himoe.learning.state.SnapshotStore.of(snapshot).load().orElseThrow();
    assertThat(learned.provenance().get("main").feedbacks()).isEqualTo(6);

    // Idempotent: the snapshot saved by that run holds those events, so running again replays
    // none and moves nothing...
    byte[] saved = Files.readAllBytes(snapshot);
    CliTest.Run again =
        CliTest.run(
            "learn", "replay", "--feedback-db", db.toString(), "--config", cfgFile.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("replayed 0 feedback events");
    assertThat(again.err()).contains("older feedback is already in it");
    // ...and --fresh starts over from the configuration and replays the whole log once.
    CliTest.Run fresh =
        CliTest.run(
            "learn",
            "replay",
            "--feedback-db",
            db.toString(),
            "--config",
            cfgFile.toString(),
            "--fresh");
    assertThat(fresh.code()).as(fresh.err()).isZero();
    assertThat(fresh.out()).contains("replayed 3 feedback events");
    assertThat(saved).isNotEmpty();
  }

  @Test
  void replayErrorsAreClear() throws Exception {
    Path cfgFile = dir.resolve("nosnap.yaml");
    Files.writeString(cfgFile, config(dir.resolve("x.snap")).replaceAll("learning:\\n.*\\n", ""));
    Path db = dir.resolve("empty.db");
    FeedbackStore.open(db).close();
    CliTest.Run missing =
        CliTest.run("learn", "replay", "--feedback-db", dir.resolve("nope.db").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("--feedback-db: no such file");
    CliTest.Run noSnapshot =
        CliTest.run(
            "learn", "replay", "--feedback-db", db.toString(), "--config", cfgFile.toString());
    assertThat(noSnapshot.code()).isEqualTo(ExitCodes.CONFIG);
    assertThat(noSnapshot.err()).contains("learning.snapshot_path");
  }

  @Test
  void aStoreOfTheFirstSchemaGainsTheDecisionColumns() throws Exception {
    Path db = dir.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT NOT NULL,"
              + " reward REAL, best_expert TEXT, notes TEXT, received_at_ms INTEGER NOT NULL)");
      s.execute("INSERT INTO feedback(trace_id, reward, received_at_ms) VALUES ('t1', 0.5, 1)");
    }
    try (FeedbackStore store = FeedbackStore.open(db)) {
      assertThat(store.forTrace("t1"))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.reward()).hasValue(0.5);
                assertThat(e.decision()).isEmpty();
              });
      assertThat(store.count()).isEqualTo(1);
    }
  }
}
