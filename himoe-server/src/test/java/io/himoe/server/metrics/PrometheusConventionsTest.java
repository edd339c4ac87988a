package io.himoe.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.himoe.server.LocalUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics after real traffic (an answered chat, a stream, a request that fails at its deadline),
 * checked by name and, when installed, by {@code promtool check metrics} (Debian package {@code
 * prometheus}).
 */
class PrometheusConventionsTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static LocalUpstream upstream;
  static Assembly assembly;
  static HimoeServer server;
  static String metrics;

  @BeforeAll
  static void start() throws Exception {
    upstream = new LocalUpstream();
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of())
                .parse(
                    """
                    budgets:
                      deadline_ms: 10000
                    experts:
                      - name: chat
                        kind: llm
                        endpoint: %s
                        models: [m1]
                    routers:
                      - id: main
                    """
                        .formatted(upstream.baseUrl()),
                    "test"));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .feedbackDb(dir.resolve("f.db"))
            .start();
    upstream.behave(new LocalUpstream.Tokens(List.of("one ", "two"), 0, 9));
    chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of());
    chat("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of());
    // The request cut at its deadline comes before the failing one: the failures of the second
    // open the expert's circuit breaker, which would fail the first fast instead.
    upstream.behave(new LocalUpstream.Hang(List.of()));
    HttpResponse<String> late =
        chat(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            Map.of("X-Himoe-Deadline-Ms", "300"));
    assertThat(late.statusCode()).as(late.body()).isEqualTo(504);
    upstream.behave(new LocalUpstream.Fail(500));
    HttpResponse<String> failed =
        chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of());
    assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
    metrics =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    // Kept for reading after a run (and for promtool by hand).
    Files.writeString(Path.of("target/metrics-sample.txt"), metrics);
  }

  @AfterAll
  static void stop() {
    server.close();
    assembly.close();
    upstream.close();
  }

  static HttpResponse<String> chat(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFamiliesUsersNeedAreThere() {
    assertThat(metrics)
        .contains("himoe_expert_tokens_total{expert=\"chat\",kind=\"prompt\"} 18.0")
        .contains("himoe_expert_tokens_total{expert=\"chat\",kind=\"completion\"} 4.0")
        .contains("himoe_time_to_first_token_seconds_bucket{router=\"main\"")
        .contains("himoe_http_responses_total{method=\"POST\",route=\"/v1/chat/completions\"")
        .contains("himoe_spent_cost_units_total")
        .contains("himoe_budget_time_used_ratio_count")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_usage")
        .contains("himoe_key_requests_total{key=\"anonymous\",outcome=\"ok\"}");
    // A failed request is counted under the router that handled it, with its error code.
    assertThat(metrics)
        .containsPattern("himoe_requests_total\\{outcome=\"deadline_exceeded\",router=\"main\"}");
    assertThat(metrics).doesNotContain("cost_cost").doesNotContain("router=\"none\"");
    // The expert call of the failed request (the 500) is counted too.
    assertThat(metrics)
        .containsPattern("himoe_expert_outcomes_total\\{expert=\"chat\",outcome=\"failed\"} [1-9]")
        .containsPattern("himoe_requests_total\\{outcome=\"no_expert_answered\",router=\"main\"} 1")
        .containsPattern("himoe_expert_outcomes_total\\{expert=\"chat\",outcome=\"answered\"} 2")
        .contains("resilience4j_circuitbreaker_failure_ratio{")
        .contains("process_files_open ")
        .contains("jvm_threads_live ");
  }

  /**
   * The last chat request failed as a whole (its one expert call got a 500): the reason of that
   * call is still counted, which the decision traces of answered requests alone could not give. The
   * request cut at its deadline before it may or may not have reached the expert (refused at the
   * pick, or called and cut: a race with the 300 ms deadline), so the outcome counter is at least
   * one while the reason of the 500 is counted exactly once.
   */
  @Test
  void theExpertCallOfAFailedRequestIsCountedWithItsReason() {
    assertThat(metrics)
        .contains("himoe_expert_errors_total{expert=\"chat\",reason=\"upstream_error\"} 1.0")
        .containsPattern("himoe_expert_outcomes_total\\{expert=\"chat\",outcome=\"failed\"} [1-9]");
  }

  /**
   * What promtool's linter checks, and the rules, in Java: so that a fresh clone without
   * promtool still fails when a family loses its HELP or a name breaks a convention.
   */
  @Test
  void everyFamilyFollowsPrometheusConventions() {
    Map<String, String> types = new java.util.TreeMap<>();
    Map<String, String> help = new java.util.HashMap<>();
    for (String line : metrics.lines().toList()) {
      if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ", 4);
        types.put(f[2], f[3]);
      } else if (line.startsWith("# HELP ")) {
        String[] f = line.split(" ", 4);
        help.put(f[2], f.length > 3 ? f[3].strip() : "");
      }
    }
    assertThat(types).hasSizeGreaterThan(40);
    List<String> problems = new java.util.ArrayList<>();
    for (var e : types.entrySet()) {
      String name = e.getKey();
      String type = e.getValue();
      if (help.getOrDefault(name, "").isEmpty()) {
        problems.add(name + ": no HELP text");
      }
      if (!name.matches("[a-z_:][a-z0-9_:]*")) {
        problems.add(name + ": not snake_case");
      }
      if (type.equals("counter") != name.endsWith("_total")) {
        problems.add(name + ": '_total' is for counters, and every counter ends with it");
      }
      if (!type.equals("histogram")
          && !type.equals("summary")
          && name.matches(".*_(count|sum|bucket)$")) {
        problems.add(name + ": _count/_sum/_bucket suffix on a " + type);
      }
      List<String> words = List.of(name.split("_"));
      if (new java.util.HashSet<>(words).size() != words.size()) {
        problems.add(name + ": a word is repeated");
      }
      if (name.matches(
          ".*_(ms|milliseconds|microseconds|nanoseconds|minutes|percent|rate)(_.*)?")) {
        problems.add(name + ": not a base unit (seconds, bytes, ratio)");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void promtoolFindsNothingToSay() throws Exception {
    Path promtool = onPath("promtool");
    assumeTrue(
        promtool != null,
        "promtool is not on the PATH (Debian: apt-get install prometheus): the Java checks above"
            + " still ran");
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(report).as(report).isEmpty();
    assertThat(p.exitValue()).isZero();
  }

  static Path onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d, tool);
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
