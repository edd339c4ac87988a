package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys as tenants: routes the configuration protects, per-key limits answered with 429 and OpenAI's
 * rate-limit headers, and decisions owned by the key they were made under.
 */
class KeysAndLimitsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String ADMIN = "admin-key-0123456789";
  static final String A = "team-a-key-0123456789";
  static final String B = "team-b-key-0123456789";

  /** A clock the test moves; the server's rate windows follow it. */
  static final class TestClock implements InstantSource {
    volatile Instant now = Instant.parse("2026-01-05T10:00:10Z");

    @Override
    public Instant instant() {
      return now;
    }
  }

  @TempDir static Path dir;
  static TestClock clock = new TestClock();
  static Assembly assembly;
  static HimoeServer server;

  @BeforeAll
  static void start() {
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of("ADMIN", ADMIN, "A", A, "B", B))
                .parse(
                    """
                    server:
                      auth:
                        api_keys: ["${ADMIN}"]
                        protect: [chat, route, feedback, admin]
                        keys:
                          - alias: team-a
                            key: ${A}
                            requests_per_min: 3
                          - alias: team-b
                            key: ${B}
                            tokens_per_min: 40
                    experts:
                      - name: planning
                        kind: planner
                    routers:
                      - id: main
                    """,
                    "test"));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .clock(clock)
            .feedbackDb(dir.resolve("f.db"))
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
    assembly.close();
  }

  static HttpResponse<String> call(String method, String path, String body, String key)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> chat(String key) throws Exception {
    return call(
        "POST",
        "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"plan: pack; travel; unpack\"}]}",
        key);
  }

  @Test
  void protectedChatNeedsAValidKey() throws Exception {
    HttpResponse<String> r = chat(null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(r.body()).path("error").path("type").asText())
        .isEqualTo("authentication_error");
    r = chat("not-a-key");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain("not-a-key");
    assertThat(chat(ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void requestsPerMinuteAre429WithRetryAfterAndRateLimitHeaders() throws Exception {
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> ok = chat(A);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).contains("3");
      assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests"))
          .contains(Integer.toString(2 - i));
    }
    HttpResponse<String> r = chat(A);
    assertThat(r.statusCode()).isEqualTo(429);
    JsonNode e = JSON.readTree(r.body()).path("error");
    assertThat(e.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(e.path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(e.path("message").asText()).contains("team-a").contains("3 requests per minute");
    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    // Other keys are not affected, and the next minute admits team-a again.
    assertThat(chat(B).statusCode()).isEqualTo(200);
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertThat(chat(A).statusCode()).isEqualTo(200);
  }

  @Test
  void tokensPerMinuteCountWhatAnswersUsed() throws Exception {
    clock.now = clock.now.plus(Duration.ofMinutes(30));
    int ok = 0;
    HttpResponse<String> r;
    do {
      r = chat(B);
      if (r.statusCode() == 200) {
        ok++;
        assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).contains("40");
      }
    } while (r.statusCode() == 200 && ok < 20);
    assertThat(ok).isBetween(1, 10);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
        .contains("40 tokens per minute");
    // What is left is less than the next request holds (its prompt and its completion bound,
    // half of the key's 40 tokens by default).
    assertThat(Long.parseLong(r.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow()))
        .isLessThan(40 - 20);
  }

  @Test
  void onlyTheKeyThatMadeADecisionOrAnAdminMayJudgeOrReadIt() throws Exception {
    clock.now = clock.now.plus(Duration.ofMinutes(50));
    String tid = JSON.readTree(chat(A).body()).path("trace_id").asText();
    String fb = "{\"trace_id\": \"" + tid + "\", \"reward\": 1}";
    HttpResponse<String> r = call("POST", "/v1/feedback", fb, B);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(r.body()).path("error").path("type").asText())
        .isEqualTo("permission_error");
    assertThat(call("GET", "/v1/traces/" + tid, null, B).statusCode()).isEqualTo(403);
    assertThat(call("GET", "/v1/traces/" + tid, null, null).statusCode()).isEqualTo(401);
    JsonNode trace = JSON.readTree(call("GET", "/v1/traces/" + tid, null, A).body());
    assertThat(trace.path("owner").asText()).isEqualTo("team-a");
    assertThat(call("POST", "/v1/feedback", fb, A).statusCode()).isEqualTo(202);
    assertThat(call("POST", "/v1/feedback", fb, ADMIN).statusCode()).isEqualTo(202);
  }

  @Test
  void adminRoutesNeedAnAdminKey() throws Exception {
    HttpResponse<String> r =
        call("POST", "/v1/experts", "{\"name\": \"x\", \"kind\": \"planner\"}", A);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
        .contains("admin key");
  }
}
