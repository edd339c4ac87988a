package io.himoe.it;

import static io.himoe.it.BranchedRouterServerTest.CHECKLISTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view of a {@code type: branched} router across a restart: {@code himoe serve}
 * processes on 127.0.0.1, the first taught a route over {@code /v1/feedback} and stopped with
 * SIGTERM, the second started on the same configuration and snapshot path routes as the first had
 * learnt to.
 */
class BranchedRouterProcessRestartTest {

  @TempDir Path dir;

  private static final String KEY = "unused-auth-off";

  private static JsonNode ask(ServerProcess s, String text) throws Exception {
    return s.post(
        "/v1/chat/completions",
        Map.of("model", "learnt", "messages", List.of(Map.of("role", "user", "content", text))),
        KEY);
  }

  /** The expert that answered, as the chat response's {@code himoe} extension names it. */
  private static String expert(JsonNode completion) {
    return completion.at("/himoe/experts/0").asText();
  }

  @Test
  void aServerProcessStoppedWithSigtermComesBackWithTheRouteItLearnt() throws Exception {
    Path snapshot = dir.resolve("learning.snap");
    Path config = dir.resolve("himoe.yaml");
    Files.writeString(
        config,
        """
        server:
          auth:
            enabled: false
        learning:
          snapshot_path: "%s"
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
        """
            .formatted(snapshot.toString().replace("\\", "/")),
        StandardCharsets.UTF_8);

    try (ServerProcess first =
        ServerProcess.start(config, dir.resolve("fb.db"), dir.resolve("first.log"))) {
      assertThat(expert(ask(first, "checklist for the office move"))).isNotEqualTo("checklist");
      for (int i = 0; i < 32; i++) { // the router's batch: learnt as one task
        JsonNode answer = ask(first, CHECKLISTS.get(i % CHECKLISTS.size()));
        first.post(
            "/v1/feedback",
            Map.of("trace_id", answer.path("trace_id").asText(), "best_expert", "checklist"),
            KEY);
      }
      assertThat(expert(ask(first, "checklist for the office move"))).isEqualTo("checklist");
      first.stop();
    }
    assertThat(snapshot).exists();

    try (ServerProcess second =
        ServerProcess.start(config, dir.resolve("fb.db"), dir.resolve("second.log"))) {
      assertThat(expert(ask(second, "checklist for the office move"))).isEqualTo("checklist");
      assertThat(expert(ask(second, "checklist for the product launch"))).isEqualTo("checklist");
      assertThat(expert(ask(second, "compute 8 * 9"))).isEqualTo("math");
      assertThat(expert(ask(second, "steps to plan the launch"))).isEqualTo("planning");
      assertThat(Files.readString(dir.resolve("second.log")))
          .contains("learned state restored from the snapshot");
    }
  }
}
