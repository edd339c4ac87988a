package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-key tokens per minute and cost per day are held while requests are IN FLIGHT, not only
 * checked at admission: a burst of concurrent requests, all held by the upstream until every one
 * was either admitted or refused, cannot together use more than the key's limit, even though every
 * one of them was admitted while nothing had been counted yet. The upstream writes every completion
 * to its limit, so what was used is the most that could be.
 */
class InFlightLimitsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String TOKENS = "tokens-key-0123456789";
  static final String SMALL = "small-key-0123456789";
  static final String COST = "cost-key-0123456789";
  static final int TOKENS_PER_MIN = 1000;
  static final int BURST = 30;

  @TempDir Path dir;
  final KeysAndLimitsTest.TestClock clock = new KeysAndLimitsTest.TestClock();
  final AtomicReference<CountDownLatch> arrivals = new AtomicReference<>(new CountDownLatch(0));
  HoldingUpstream upstream;
  HoldingUpstream broken;
  Assembly assembly;
  HimoeServer server;

  @BeforeEach
  void start() throws Exception {
    upstream = new HoldingUpstream(() -> arrivals.get().countDown());
    broken = new HoldingUpstream(() -> arrivals.get().countDown()).failing();
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of("T", TOKENS, "S", SMALL, "C", COST))
                .parse(
                    """
                    budgets: {deadline_ms: 30000}
                    experts:
                      - name: writer
                        kind: llm
                        endpoint: "%s"
                        models: [w]
                        cost_per_call: 0.1
                      - name: broken
                        kind: llm
                        endpoint: "%s"
                        models: [b]
                        cost_per_call: 0.1
                        guard: {breaker: {enabled: false}}
                    routers:
                      - id: main
                        experts: [writer]
                      - id: failing
                        experts: [broken]
                        reroute: {max: 0}
                    server:
                      auth:
                        protect: [chat]
                        keys:
                          - alias: team-tokens
                            key: ${T}
                            tokens_per_min: %d
                          - alias: team-small
                            key: ${S}
                            tokens_per_min: 100
                          - alias: team-cost
                            key: ${C}
                            cost_per_day: 1.0
                    """
                        .formatted(upstream.baseUrl(), broken.baseUrl(), TOKENS_PER_MIN),
                    "test"));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .clock(clock)
            .feedbackDb(dir.resolve("f.db"))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    assembly.close();
    upstream.close();
    broken.close();
  }

  static String body(String text, Integer maxTokens) {
    return body("main", text, maxTokens);
  }

  static String body(String model, String text, Integer maxTokens) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", model);
    b.putArray("messages").addObject().put("role", "user").put("content", text);
    if (maxTokens != null) {
      b.put("max_tokens", maxTokens);
    }
    return b.toString();
  }

  CompletableFuture<HttpResponse<String>> send(String key, String body) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends {@link #BURST} requests at once and holds the admitted ones at the upstream until every
   * request was either admitted (reached the upstream) or refused; then lets them finish.
   */
  List<HttpResponse<String>> burst(String key, String body) throws Exception {
    return burst(key, body, upstream);
  }

  List<HttpResponse<String>> burst(String key, String body, HoldingUpstream at) throws Exception {
    CountDownLatch decided = new CountDownLatch(BURST);
    arrivals.set(decided);
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      sent.add(
          send(key, body)
              .whenComplete(
                  (r, e) -> {
                    if (e != null || r.statusCode() != 200) {
                      decided.countDown();
                    }
                  }));
    }
    assertThat(decided.await(60, TimeUnit.SECONDS))
        .as("every request was admitted or refused (%d left)", decided.getCount())
        .isTrue();
    at.release();
    List<HttpResponse<String>> out = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      out.add(f.get(60, TimeUnit.SECONDS));
    }
    return out;
  }

  static long totalTokens(List<HttpResponse<String>> rs) throws Exception {
    long total = 0;
    for (HttpResponse<String> r : rs) {
      if (r.statusCode() == 200) {
        total += JSON.readTree(r.body()).path("usage").path("total_tokens").asLong();
      }
    }
    return total;
  }

  static long count(List<HttpResponse<String>> rs, int status) {
    return rs.stream().filter(r -> r.statusCode() == status).count();
  }

  @Test
  void concurrentRequestsCannotTogetherPassTheKeysTokensPerMinute() throws Exception {
    String text = "write: a long story about the sea";
    // What the gateway holds for each: its prompt (counted with its tokenizer) + max_tokens.
    long bound =
        TokenCounter.defaults().prompt(InputData.Conversation.of(List.of(Message.user(text))))
            + 100;
    List<HttpResponse<String>> rs = burst(TOKENS, body(text, 100));
    long admitted = count(rs, 200);
    // Every admitted request used its whole max_tokens; together they stay within the limit, and
    // as many were admitted as the limit holds (no request was refused for nothing).
    assertThat(admitted).isEqualTo(TOKENS_PER_MIN / bound);
    assertThat(totalTokens(rs)).isLessThanOrEqualTo(TOKENS_PER_MIN);
    for (HttpResponse<String> r : rs) {
      if (r.statusCode() != 200) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
            .contains("team-tokens")
            .contains("requests in flight")
            .contains(TOKENS_PER_MIN + " tokens per minute");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.headers().firstValue("x-ratelimit-limit-tokens"))
            .contains(Integer.toString(TOKENS_PER_MIN));
      }
    }
    assertThat(upstream.maxTokens()).hasSize((int) admitted).containsOnly(100);
    // Once they settled, what they held and did not use (the gateway counts more prompt tokens
    // than the upstream reported) is given back: one more fits, the next minute admits again.
    long used = totalTokens(rs);
    long fits = (TOKENS_PER_MIN - used) / bound;
    assertThat(fits).isPositive();
    upstream.hold();
    List<HttpResponse<String>> more = burst(TOKENS, body(text, 100));
    assertThat(count(more, 200)).isEqualTo(fits);
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    upstream.release();
    assertThat(send(TOKENS, body(text, 100)).get().statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestWithoutMaxTokensIsBoundedByTheKeysDefaultAndTheBoundIsSentUpstream()
      throws Exception {
    upstream.release();
    // team-small: 100 tokens per minute, so its default completion bound is 50.
    HttpResponse<String> r = send(SMALL, body("write: a poem", null)).get();
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(upstream.maxTokens()).containsExactly(50);
    JsonNode done = JSON.readTree(r.body());
    assertThat(done.path("usage").path("completion_tokens").asInt()).isEqualTo(50);
    assertThat(done.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    // A max_tokens that cannot fit in the key's minute is the client's mistake, named.
    HttpResponse<String> big = send(SMALL, body("write: a poem", 500)).get();
    assertThat(big.statusCode()).as(big.body()).isEqualTo(400);
    JsonNode e = JSON.readTree(big.body()).path("error");
    assertThat(e.path("param").asText()).isEqualTo("max_tokens");
    assertThat(e.path("message").asText()).contains("team-small").contains("100 tokens");
  }

  @Test
  void concurrentRequestsCannotTogetherPassTheKeysDailyCostWithoutACeilingOfTheirOwn()
      throws Exception {
    // No request names a cost ceiling; each holds what one call of the writer costs (0.1) of
    // team-cost's 1.0 a day while it runs.
    List<HttpResponse<String>> rs = burst(COST, body("write: a haiku", 10));
    double spent = 0;
    for (HttpResponse<String> r : rs) {
      if (r.statusCode() == 200) {
        spent += JSON.readTree(r.body()).path("himoe").path("cost_units").asDouble();
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.body()).contains("team-cost").contains("cost units for today");
      }
    }
    assertThat(count(rs, 200)).isEqualTo(10);
    assertThat(spent).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aFailedRequestGivesBackTheCostItHeld() throws Exception {
    // Ten requests hold the day's 1.0 while the upstream holds them, then all fail (500): nothing
    // was spent, so once they ended the whole day is left for ten more.
    List<HttpResponse<String>> failed = burst(COST, body("failing", "write: a haiku", 10), broken);
    assertThat(count(failed, 429)).isEqualTo(BURST - 10);
    assertThat(failed.stream().filter(r -> r.statusCode() != 429).map(HttpResponse::statusCode))
        .hasSize(10)
        .allMatch(s -> s >= 500);
    List<HttpResponse<String>> rs = burst(COST, body("write: a haiku", 10));
    assertThat(count(rs, 200)).isEqualTo(10);
  }
}
