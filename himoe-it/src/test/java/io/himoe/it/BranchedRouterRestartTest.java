package io.himoe.it;

import static io.himoe.it.BranchedRouterServerTest.CHECKLISTS;
import static io.himoe.it.BranchedRouterServerTest.ask;
import static io.himoe.it.BranchedRouterServerTest.expertOf;
import static io.himoe.it.BranchedRouterServerTest.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code type: branched} router's learnt routes survive a restart: the server saves its state in
 * {@code learning.snapshot_path} and the next server, on the same configuration, routes as the
 * first had learnt to — including feedback that was buffered but not learnt yet. Real servers on
 * 127.0.0.1, one after the other.
 */
class BranchedRouterRestartTest {

  @TempDir Path dir;

  HimoeConfig config(Path snapshot) {
    return ConfigLoader.of(
            Map.of("TEST_KEY", BranchedRouterServerTest.KEY, "SNAP", snapshot.toString()))
        .parse(
            """
            server:
              auth:
                api_keys: ["${TEST_KEY}"]
            learning:
              snapshot_path: ${SNAP}
            experts:
              - name: planning
                kind: planner
                examples: ["plan the trip: book; pack", "steps to move house",
                           "roadmap for the launch", "plan my week", "steps to learn french"]
              - name: math
                kind: math
                examples: ["what is 2 + 2", "compute 7 * 6", "combien font 3 * 4",
                           "12 / 4", "what is 15 - 9"]
              - name: checklist
                kind: planner
            routers:
              - id: learnt
                type: branched
                encoder: hashing
            """,
            "test");
  }

  HimoeServer serve(Assembly a, String db) {
    return HimoeServer.builder(a).host("127.0.0.1").port(0).feedbackDb(dir.resolve(db)).start();
  }

  void teachChecklist(HimoeServer s, int feedbacks) throws Exception {
    for (int i = 0; i < feedbacks; i++) {
      JsonNode answer = ask(s, CHECKLISTS.get(i % CHECKLISTS.size()));
      post(
          s,
          "/v1/feedback",
          Map.of("trace_id", answer.path("trace_id").asText(), "best_expert", "checklist"));
    }
  }

  @Test
  void aRouteLearntFromFeedbackStillHoldsAfterARestart() throws Exception {
    Path snapshot = dir.resolve("state/learning.snap");
    try (Assembly a = Assembly.build(config(snapshot));
        HimoeServer s = serve(a, "fb1.db")) {
      // before any feedback the new route is not known
      assertThat(expertOf(ask(s, "checklist for the office move"))).isNotEqualTo("checklist");
      teachChecklist(s, 32); // the router's batch: learnt as one task
      assertThat(expertOf(ask(s, "checklist for the office move"))).isEqualTo("checklist");
    }
    assertThat(snapshot).exists();

    try (Assembly a = Assembly.build(config(snapshot));
        HimoeServer s = serve(a, "fb2.db")) {
      assertThat(expertOf(ask(s, "checklist for the office move"))).isEqualTo("checklist");
      assertThat(expertOf(ask(s, "checklist for the product launch"))).isEqualTo("checklist");
      // the routes fitted from the examples hold too
      assertThat(expertOf(ask(s, "compute 8 * 9"))).isEqualTo("math");
      assertThat(expertOf(ask(s, "steps to plan the launch"))).isEqualTo("planning");
    }

    // without the snapshot, the same configuration starts from the examples: the route is gone
    Files.delete(snapshot);
    try (Assembly a = Assembly.build(config(snapshot));
        HimoeServer s = serve(a, "fb3.db")) {
      assertThat(expertOf(ask(s, "checklist for the office move"))).isNotEqualTo("checklist");
    }
  }

  @Test
  void feedbackBufferedBeforeARestartCountsTowardsTheNextLearntTask() throws Exception {
    Path snapshot = dir.resolve("buffered.snap");
    try (Assembly a = Assembly.build(config(snapshot));
        HimoeServer s = serve(a, "fb1.db")) {
      teachChecklist(s, 20); // below the batch of 32: buffered, nothing learnt yet
      assertThat(expertOf(ask(s, "checklist for the office move"))).isNotEqualTo("checklist");
    }
    try (Assembly a = Assembly.build(config(snapshot));
        HimoeServer s = serve(a, "fb2.db")) {
      teachChecklist(s, 12); // 20 saved + 12 = 32: the task is learnt now
      assertThat(expertOf(ask(s, "checklist for the office move"))).isEqualTo("checklist");
    }
  }
}
