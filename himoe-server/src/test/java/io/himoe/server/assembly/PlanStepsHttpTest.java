package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan steps over HTTP: a step that cannot be answered is marked, the others are answered. */
class PlanStepsHttpTest {

  @TempDir Path dir;

  private static String config(String onStepFailure) {
    return """
        experts:
          - name: planning
            kind: planner
          - name: math
            kind: math
            keywords: [compute]
        routers:
          - id: plans
            experts: [planning]
          - id: steps
            experts: [math, planning]
        orchestrator:
          default_router: steps
          rules:
            - router: plans
              contains: ["plan:"]
          plan_steps: steps
        """
        + (onStepFailure == null ? "" : "  on_step_failure: " + onStepFailure + "\n");
  }

  private static final String PLAN =
      "Plan: budget\\n1. compute 1200 * 12\\n2. compute 1/0\\n3. compute 2 + 2";

  @Test
  void byDefaultTheAnswerCarriesTheCompletedStepsAndMarksTheFailedOne() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config(null), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      HttpResponse<String> r = ServerFixtures.chat(s, "himoe", PLAN);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      ObjectMapper json = new ObjectMapper();
      JsonNode answer =
          json.readTree(
              json.readTree(r.body())
                  .path("choices")
                  .path(0)
                  .path("message")
                  .path("content")
                  .asText());
      JsonNode steps = answer.get("steps");
      assertThat(steps.get(0).get("answer").asText()).isEqualTo("14400");
      assertThat(steps.get(1).get("status").asText()).isEqualTo("failed");
      assertThat(steps.get(1).get("code").asText()).isEqualTo("unprocessable_input");
      // Re-routed from math to the planner, which found no plan in it either.
      assertThat(steps.get(1).get("error").asText())
          .contains("division by zero")
          .contains("planning: no plan in the text");
      assertThat(steps.get(2).get("answer").asText()).isEqualTo("4");
      assertThat(answer.get("failed_steps").asInt()).isEqualTo(1);
    }
  }

  @Test
  void withFailTheRequestIsA422() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config("fail"), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      HttpResponse<String> r = ServerFixtures.chat(s, "himoe", PLAN);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(r.body()).contains("division by zero");
    }
  }

  @Test
  void anUnknownPolicyIsRefusedNamingTheField() {
    assertThatThrownBy(() -> ConfigLoader.of(Map.of()).parse(config("retry"), "t"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("orchestrator.on_step_failure: expected one of partial, fail");
  }
}
