package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.llm.OpenAiTestServer.Hang;
import io.himoe.experts.llm.OpenAiTestServer.Malformed;
import io.himoe.experts.llm.OpenAiTestServer.Ok;
import io.himoe.experts.llm.OpenAiTestServer.Status;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmExpertTest {

  private static final LlmPolicy FAST =
      LlmPolicy.ofDefaults().withRetries(3, Duration.ofMillis(10));

  private OpenAiTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new OpenAiTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmClient client(String name, OpenAiTestServer s, ModelPrice price) {
    OpenAiEndpoint ep =
        OpenAiEndpoint.of(name, s.baseUrl(), "model-" + name)
            .withPrice(price)
            .withApiKeyEnv("TEST_LLM_KEY");
    return LlmClient.openAi(
        ep, FAST, Map.of("TEST_LLM_KEY", "sk-secret-123")::get, Clock.systemUTC());
  }

  private LlmExpert expert(LlmClient... clients) {
    return LlmExpert.builder("assistant")
        .clients(java.util.List.of(clients))
        .systemPrompt("You are terse.")
        .policy(FAST)
        .build();
  }

  private static Context ctx(Duration budget) {
    return Context.builder().budget(budget).traceId("t-1").build();
  }

  @Test
  void answersWithTextCostFromUsageAndTheConfiguredModelAndKey() throws Exception {
    server.then(new Ok("Bonjour !", 1000, 500, "stop"));
    LlmExpert e = expert(client("a", server, ModelPrice.of(1.0, 2.0)));

    ExpertOut out = e.infer(InputData.text("Dis bonjour"), ctx(Duration.ofSeconds(5)));

    assertThat(out.value()).isEqualTo(Value.text("Bonjour !"));
    // 1000 input tokens at 1/M + 500 output tokens at 2/M
    assertThat(out.aux().costUnits()).isEqualTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(out.aux().confidence()).isEqualTo(0.7);
    assertThat(out.aux().traceId()).isEqualTo("t-1");
    var req = server.requests().getFirst();
    assertThat(req.path("model").asText()).isEqualTo("model-a");
    assertThat(req.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(req.path("messages").get(1).path("content").asText()).isEqualTo("Dis bonjour");
    assertThat(server.authHeaders()).containsExactly("Bearer sk-secret-123");
  }

  @Test
  void countsTokensWithTheTokenizerWhenTheServerReportsNoUsage() {
    server.then(
        new Malformed(
            "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"12345678\"},"
                + "\"finish_reason\":\"length\"}]}"));
    LlmExpert e = expert(client("a", server, ModelPrice.of(0, 1_000_000)));

    LlmAnswer a = e.complete(InputData.text("abcd"), ctx(Duration.ofSeconds(5)));

    assertThat(a.usageReported()).isFalse();
    // o200k_base splits digits in groups of three: 123|456|78.
    assertThat(a.outputTokens()).isEqualTo(3);
    // System "You are terse." (3 framing + 1 role + 4 text) and user "abcd" (3 + 1 + 1), plus 3
    // to prime the reply.
    assertThat(a.inputTokens()).isEqualTo(16);
    assertThat(a.costUnits()).isEqualTo(3.0);
    assertThat(a.truncated()).isTrue();
  }

  @Test
  void missingApiKeyVariableIsAClearErrorAndTheKeyIsNeverShown() {
    OpenAiEndpoint ep =
        OpenAiEndpoint.of("hosted", server.baseUrl(), "gpt").withApiKeyEnv("NOPE_KEY");
    assertThatThrownBy(() -> LlmClient.openAi(ep, FAST, k -> null, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NOPE_KEY")
        .hasMessageContaining("hosted");
    LlmClient c = client("a", server, ModelPrice.free());
    assertThat(c.toString() + ep + expert(c)).doesNotContain("sk-secret-123");
  }

  @Test
  void anErrorBodyThatEchoesTheKeyIsRedacted() {
    server.always(new Status(401, "{\"error\":\"Incorrect API key provided: sk-secret-123\"}"));
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(
            LlmException.class,
            x -> {
              assertThat(x.kind()).isEqualTo(LlmException.Kind.AUTHENTICATION);
              assertThat(x.getMessage()).contains("Incorrect API key provided: ***");
              for (Throwable c = x; c != null; c = c.getCause()) {
                assertThat(String.valueOf(c.getMessage())).doesNotContain("sk-secret-123");
              }
            });
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void retriesServerErrorsAndRateLimitsThenAnswers() {
    server.then(
        new Status(500, "{\"error\":\"boom\"}"),
        new Status(429, "slow down"),
        new Ok("ok", 3, 1, "stop"));
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    LlmAnswer a = e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(5)));

    assertThat(a.text()).isEqualTo("ok");
    assertThat(a.attempts()).isEqualTo(3);
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void waitsAsLongAsRetryAfterAsksBeforeTheNextAttempt() {
    server.then(new OpenAiTestServer.RetryAfter(429, "1"), new Ok("ok", 3, 1, "stop"));
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    LlmAnswer a = e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(10)));

    assertThat(a.text()).isEqualTo("ok");
    // The policy's own backoff is 10 ms; the endpoint asked for a second.
    long gapMs = (server.arrivals().get(1) - server.arrivals().get(0)) / 1_000_000;
    assertThat(gapMs).isGreaterThanOrEqualTo(950);
  }

  @Test
  void aRetryAfterBeyondTheDeadlineFailsAtOnce() {
    server.always(new OpenAiTestServer.RetryAfter(503, "30"));
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(3))))
        .isInstanceOfSatisfying(
            LlmException.class,
            x -> {
              assertThat(x.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
              assertThat(x.retryAfter()).contains(Duration.ofSeconds(30));
            })
        .hasMessageContaining("retry after 30000 ms");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aFixedConfidenceKeepsTheSkillForRankingOnly() {
    LlmExpert e =
        LlmExpert.builder("remote")
            .clients(java.util.List.of(client("a", server, ModelPrice.free())))
            .policy(FAST)
            .skill(
                new KeywordSkill(java.util.List.of("upstream"), 0.3, java.util.List.of(), 0, 0, 0))
            .fixedConfidence(0.6)
            .build();
    assertThat(e.canHandle("ask upstream: hi")).isEqualTo(0.3);
    assertThat(e.canHandle("hi")).isZero();
    var out = e.infer(InputData.text("ask upstream: hi"), ctx(Duration.ofSeconds(5)));
    assertThat(out.aux().confidence()).isEqualTo(0.6);
  }

  @Test
  void theRequestsTraceIdTravelsToTheEndpoint() {
    LlmExpert e = expert(client("a", server, ModelPrice.free()));
    e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(5)));
    assertThat(server.traceHeaders()).containsExactly("t-1");
  }

  @Test
  void retryAfterValuesAreSecondsOrHttpDates() {
    java.time.Instant now = java.time.Instant.parse("2026-11-28T10:00:00Z");
    assertThat(io.himoe.experts.llm.internal.CancellableHttpClient.retryAfter(" 120 ", now))
        .contains(Duration.ofSeconds(120));
    assertThat(
            io.himoe.experts.llm.internal.CancellableHttpClient.retryAfter(
                "Sat, 28 Nov 2026 10:00:30 GMT", now))
        .contains(Duration.ofSeconds(30));
    assertThat(
            io.himoe.experts.llm.internal.CancellableHttpClient.retryAfter(
                "Sat, 28 Nov 2026 09:00:00 GMT", now))
        .contains(Duration.ZERO);
    assertThat(io.himoe.experts.llm.internal.CancellableHttpClient.retryAfter("soon", now))
        .isEmpty();
  }

  @Test
  void doesNotRetryABadRequest() {
    server.always(new Status(400, "{\"error\":{\"message\":\"unknown parameter\"}}"));
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(
            LlmException.class, x -> assertThat(x.kind()).isEqualTo(LlmException.Kind.BAD_REQUEST))
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("unknown parameter");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void malformedBodiesAreBadResponsesAfterRetries() {
    server.always(new Malformed("this is not json"));
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(
            LlmException.class, x -> assertThat(x.kind()).isEqualTo(LlmException.Kind.BAD_RESPONSE))
        .hasMessageContaining("endpoint a");
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void anEmptyAnswerIsABadResponse() {
    server.always(new Ok("", 3, 0, "stop"));
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(5))))
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("empty answer");
  }

  @Test
  void retriesOnlyWhileTheDeadlineLeavesRoomForTheBackoff() {
    server.always(new Status(503, "overloaded"));
    LlmPolicy slowBackoff = LlmPolicy.ofDefaults().withRetries(5, Duration.ofSeconds(60));
    LlmExpert e =
        LlmExpert.builder("x")
            .client(client("a", server, ModelPrice.free()))
            .policy(slowBackoff)
            .build();

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(2))))
        .isInstanceOfSatisfying(
            LlmException.class,
            x -> assertThat(x.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR));
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anUnreachableEndpointIsANetworkError() throws Exception {
    OpenAiTestServer closed = new OpenAiTestServer();
    String url = closed.baseUrl();
    closed.close();
    LlmExpert e =
        expert(
            LlmClient.openAi(
                OpenAiEndpoint.of("gone", url, "m"), FAST, k -> null, Clock.systemUTC()));

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(
            LlmException.class, x -> assertThat(x.kind()).isEqualTo(LlmException.Kind.NETWORK))
        .hasMessageContaining("endpoint gone");
  }

  @Test
  void theEndpointsOwnTimeoutIsRetriedWithinTheDeadline() throws Exception {
    server.then(new Hang()).always(new Ok("second try", 1, 1, "stop"));
    LlmClient c =
        LlmClient.openAi(
            OpenAiEndpoint.of("t", server.baseUrl(), "m").withTimeout(Duration.ofMillis(300)),
            FAST,
            k -> null,
            Clock.systemUTC());

    LlmAnswer a = expert(c).complete(InputData.text("hi"), ctx(Duration.ofSeconds(10)));

    assertThat(a.text()).isEqualTo("second try");
    assertThat(a.attempts()).isEqualTo(2);
    assertThat(server.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void theDeadlineAbortsTheHttpCall() throws Exception {
    server.always(new Hang());
    LlmExpert e = expert(client("a", server, ModelPrice.free()));

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx(Duration.ofMillis(300))))
        .isInstanceOf(MoeError.DeadlineExceeded.class)
        .hasMessageContaining("llm assistant");
    assertThat(server.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void cancellingTheRequestClosesTheConnection() throws Exception {
    server.always(new Hang());
    LlmExpert e = expert(client("a", server, ModelPrice.free()));
    CancelToken token = CancelToken.create();
    Context c = Context.builder().budget(Duration.ofSeconds(30)).cancel(token).build();

    var result = new java.util.concurrent.CompletableFuture<Throwable>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                e.complete(InputData.text("hi"), c);
                result.complete(null);
              } catch (Throwable t) {
                result.complete(t);
              }
            });
    assertThat(server.awaitRequest(Duration.ofSeconds(5))).isTrue();
    token.cancel();

    assertThat(result.get(5, java.util.concurrent.TimeUnit.SECONDS))
        .isInstanceOf(MoeError.Cancelled.class);
    assertThat(server.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void cancellingDuringABackoffWaitEndsTheCallAtOnce() throws Exception {
    server.always(new Status(500, "down"));
    LlmPolicy longBackoff = LlmPolicy.ofDefaults().withRetries(3, Duration.ofSeconds(30));
    LlmExpert e =
        LlmExpert.builder("x")
            .client(client("a", server, ModelPrice.free()))
            .policy(longBackoff)
            .build();
    CancelToken token = CancelToken.create();
    Context c = Context.builder().budget(Duration.ofMinutes(5)).cancel(token).build();
    var result = new java.util.concurrent.CompletableFuture<Throwable>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                e.complete(InputData.text("hi"), c);
                result.complete(null);
              } catch (Throwable t) {
                result.complete(t);
              }
            });
    assertThat(server.awaitRequest(Duration.ofSeconds(5))).isTrue();
    Thread.sleep(100); // let the failed attempt reach its 30 s backoff wait
    token.cancel();

    assertThat(result.get(5, java.util.concurrent.TimeUnit.SECONDS))
        .isInstanceOf(MoeError.Cancelled.class);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anAlreadyCancelledRequestMakesNoCall() {
    CancelToken token = CancelToken.create();
    token.cancel();
    LlmExpert e = expert(client("a", server, ModelPrice.free()));
    Context c = Context.builder().budget(Duration.ofSeconds(5)).cancel(token).build();

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), c))
        .isInstanceOf(MoeError.Cancelled.class);
    assertThat(server.requestCount()).isZero();
  }
}
