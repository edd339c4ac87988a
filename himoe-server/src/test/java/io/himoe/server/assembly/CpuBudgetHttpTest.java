package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code budgets.cpu_ms} over HTTP: a body that costs a lot of CPU (a plan of thousands of steps,
 * each routed to the math expert) is refused with a 422 naming the limit, its work stopped at the
 * next expert-call boundary; a normal request under the same budget is answered.
 */
class CpuBudgetHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // The planner numbers steps up to 999; each step sums TERMS products, so the whole plan costs
  // many times the budget even when the JIT has warmed the math expert (in a surefire JVM that ran
  // other tests first, a one-product step cost ~0.09 ms and 999 of them fitted under 100 ms).
  private static final int STEPS = 900;
  private static final int TERMS = 60;
  // What the budget meters is the pipeline (routing, expert calls, synthesis), not the body's JSON
  // or token counting: 900 steps of TERMS products cost it ~90 ms once the JIT is warm (and ~4x
  // that cold), so the budget sits well under that.
  private static final long BUDGET_MS = 25;

  @TempDir Path dir;

  private static String config(String cpu) {
    return """
        budgets: {deadline_ms: 120000%s}
        experts:
          - name: planning
            kind: planner
            keywords: [plan]
          - name: math
            kind: math
            keywords: [what, compute]
        routers:
          - id: plans
            type: keyword
            experts: [planning]
          - id: main
            type: keyword
            experts: [math]
        orchestrator:
          default_router: plans
          plan_steps: main
        shadows: {sample_rate: 0}
        """
        .formatted(cpu);
  }

  /** A plan of {@code n} steps, each a small computation for the math expert. */
  private static String plan(int n) {
    StringBuilder b = new StringBuilder("Plan: check the sums\n");
    for (int i = 1; i <= n; i++) {
      b.append(i).append(". compute ").append(i).append(" * 7 + 3\n");
    }
    return b.toString();
  }

  /** A plan of {@code n} steps, each a sum of {@link #TERMS} products for the math expert. */
  private static String costlyPlan(int n) {
    StringBuilder b = new StringBuilder("Plan: check the long sums\n");
    for (int i = 1; i <= n; i++) {
      b.append(i).append(". compute ").append(i).append(" * 7");
      for (int t = 1; t < TERMS; t++) {
        b.append(" + ").append(i + t).append(" * ").append(t % 9 + 2);
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static HttpResponse<String> chat(HimoeServer s, String text) throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "model",
                "himoe",
                "messages",
                java.util.List.of(Map.of("role", "user", "content", text))));
    try (HttpClient c = HttpClient.newHttpClient()) {
      return c.send(
          HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static long mathCalls(HimoeServer s) throws Exception {
    try (HttpClient c = HttpClient.newHttpClient()) {
      JsonNode list =
          JSON.readTree(
              c.send(
                      HttpRequest.newBuilder(URI.create(s.url() + "/v1/experts")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      for (JsonNode e : list.path("experts")) {
        if (e.path("name").asText().equals("math")) {
          return e.path("calls").asLong();
        }
      }
      throw new AssertionError("no math expert in " + list);
    }
  }

  @Test
  void aCostlyBodyIsRefusedWith422NamingTheBudgetAndANormalRequestPasses() throws Exception {
    try (Assembly a =
            Assembly.build(ConfigLoader.of(Map.of()).parse(config(", cpu_ms: " + BUDGET_MS), "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      // A fresh JVM loads and interprets the path on its first requests; a normal request is one
      // made after that.
      for (int i = 0; i < 5; i++) {
        chat(s, plan(3));
      }
      // A normal request: a three-step plan, each step answered by math.
      HttpResponse<String> ok = chat(s, plan(3));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.body()).contains("10").contains("17").contains("24");
      long before = mathCalls(s);

      HttpResponse<String> r = chat(s, costlyPlan(STEPS));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      JsonNode err = JSON.readTree(r.body()).path("error");
      assertThat(err.path("code").asText()).isEqualTo("cpu_budget_exceeded");
      assertThat(err.path("param").asText()).isEqualTo("budgets.cpu_ms");
      assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
      String message = err.path("message").asText();
      assertThat(message).contains("over budgets.cpu_ms = " + BUDGET_MS + " ms");
      Matcher used = Pattern.compile("used (\\d+) ms of CPU").matcher(message);
      assertThat(used.find()).as(message).isTrue();
      // Stopped within the budget plus a slack (the watch's wake-up on a loaded machine), far
      // from what the whole plan costs (thousands of routed steps).
      assertThat(Long.parseLong(used.group(1)))
          .isGreaterThanOrEqualTo(BUDGET_MS)
          .isLessThan(BUDGET_MS + 400);
      // The work stopped at an expert-call boundary: most steps were never called.
      long called = mathCalls(s) - before;
      System.out.println("refused: " + message + "; math calls " + called + " of " + STEPS);
      assertThat(called).isLessThan(STEPS / 2);

      // The server still answers normal requests.
      assertThat(chat(s, plan(3)).statusCode()).isEqualTo(200);
    }
  }
}
