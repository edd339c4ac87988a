package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.llm.OpenAiTestServer.Hang;
import io.himoe.experts.llm.OpenAiTestServer.Ok;
import io.himoe.experts.llm.OpenAiTestServer.Status;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deadline-aware retries and fallbacks, and prompt stops on cancel and interrupt. */
class LlmCallPolicyTest {

  private static final LlmPolicy FAST =
      LlmPolicy.ofDefaults().withRetries(3, Duration.ofMillis(10));

  private OpenAiTestServer a;
  private OpenAiTestServer b;

  @BeforeEach
  void start() throws Exception {
    a = new OpenAiTestServer();
    b = new OpenAiTestServer();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private static LlmClient client(String name, OpenAiTestServer s) {
    return LlmClient.openAi(
        OpenAiEndpoint.of(name, s.baseUrl(), name), FAST, k -> null, Clock.systemUTC());
  }

  private static LlmExpert expert(LlmClient... clients) {
    return LlmExpert.builder("x").clients(List.of(clients)).policy(FAST).build();
  }

  /** Runs {@code body} on a virtual thread and returns what it threw (or null). */
  private static CompletableFuture<Throwable> inBackground(Runnable body, Thread[] thread) {
    CompletableFuture<Throwable> result = new CompletableFuture<>();
    thread[0] =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    body.run();
                    result.complete(null);
                  } catch (Throwable t) {
                    result.complete(t);
                  }
                });
    return result;
  }

  @Test
  void aRetryWhoseExpectedLatencyDoesNotFitTheTimeLeftIsNotStarted() {
    a.always(new Status(500, "down"));
    LlmClient slow = client("a", a);
    slow.recordLatency(TimeUnit.SECONDS.toNanos(5));
    LlmExpert e = expert(slow);

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), Context.of(Duration.ofSeconds(2))))
        .isInstanceOfSatisfying(
            LlmException.class,
            x -> assertThat(x.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR));
    assertThat(a.requestCount()).isEqualTo(1);
  }

  @Test
  void aRetryThatFitsIsStarted() {
    a.then(new Status(500, "down")).always(new Ok("ok", 1, 1, "stop"));
    LlmClient c = client("a", a);
    c.recordLatency(TimeUnit.MILLISECONDS.toNanos(100));

    LlmAnswer answer = expert(c).complete(InputData.text("hi"), Context.of(Duration.ofSeconds(2)));

    assertThat(answer.attempts()).isEqualTo(2);
  }

  @Test
  void aHangingModelLeavesTheOtherModelItsShareOfTheDeadline() throws Exception {
    // The hand-over from the cut attempt to the next model has the minimum attempt time as slack;
    // 500 ms of it keeps the test about the mechanism on a loaded machine, not about its speed.
    LlmPolicy roomy =
        new LlmPolicy(
            3,
            Duration.ofMillis(10),
            2.0,
            Duration.ofMillis(500),
            50f,
            20,
            5,
            Duration.ofSeconds(30));
    a.always(new Hang());
    b.always(new Ok("from b", 1, 1, "stop"));
    LlmClient hanging =
        LlmClient.openAi(
            OpenAiEndpoint.of("a", a.baseUrl(), "a"), roomy, k -> null, Clock.systemUTC());
    LlmClient other =
        LlmClient.openAi(
            OpenAiEndpoint.of("b", b.baseUrl(), "b"), roomy, k -> null, Clock.systemUTC());
    other.recordLatency(TimeUnit.MILLISECONDS.toNanos(100));
    LlmExpert e = LlmExpert.builder("x").clients(List.of(hanging, other)).policy(roomy).build();
    Duration deadline = Duration.ofMillis(2500);

    long t0 = System.nanoTime();
    LlmAnswer answer = e.complete(InputData.text("hi"), Context.of(deadline));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;

    // a was cut short while b's share (backoff + 500 ms expected + 500 ms hand-over) was left:
    // b answered, within the request's deadline (plus slack for the measurement itself).
    assertThat(answer.endpoint()).isEqualTo("b");
    assertThat(answer.attempts()).isEqualTo(2);
    assertThat(a.requestCount()).isEqualTo(1);
    assertThat(b.requestCount()).isEqualTo(1);
    assertThat(tookMs).isLessThan(deadline.toMillis() + 1_000);
    assertThat(a.awaitClientClosed(Duration.ofSeconds(10))).isTrue();
    // Cutting an attempt short to keep another model's share says nothing about a's health.
    assertThat(hanging.circuitState())
        .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
  }

  @Test
  void cancellingStopsTheCallWithin100Ms() throws Exception {
    a.always(new Hang());
    LlmExpert e = expert(client("a", a));
    CancelToken token = CancelToken.create();
    Context c = Context.builder().budget(Duration.ofSeconds(30)).cancel(token).build();
    AtomicLong endedAt = new AtomicLong();
    Thread[] t = new Thread[1];
    CompletableFuture<Throwable> result =
        inBackground(
            () -> {
              try {
                e.complete(InputData.text("hi"), c);
              } finally {
                endedAt.set(System.nanoTime());
              }
            },
            t);
    assertThat(a.awaitRequest(Duration.ofSeconds(5))).isTrue();

    long cancelledAt = System.nanoTime();
    token.cancel();

    assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(MoeError.Cancelled.class);
    assertThat((endedAt.get() - cancelledAt) / 1_000_000).isLessThan(100);
    assertThat(a.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void interruptingTheThreadStopsTheCallAndClosesTheConnection() throws Exception {
    a.always(new Hang());
    LlmExpert e = expert(client("a", a));
    boolean[] stillInterrupted = new boolean[1];
    Thread[] t = new Thread[1];
    CompletableFuture<Throwable> result =
        inBackground(
            () -> {
              try {
                e.complete(InputData.text("hi"), Context.of(Duration.ofSeconds(30)));
              } finally {
                stillInterrupted[0] = Thread.currentThread().isInterrupted();
              }
            },
            t);
    assertThat(a.awaitRequest(Duration.ofSeconds(5))).isTrue();

    t[0].interrupt();

    assertThat(result.get(2, TimeUnit.SECONDS))
        .isInstanceOf(MoeError.Cancelled.class)
        .hasMessageContaining("interrupted");
    assertThat(stillInterrupted[0]).isTrue();
    assertThat(a.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
    assertThat(a.requestCount()).isEqualTo(1);
  }

  @Test
  void interruptingABackoffWaitEndsTheCall() throws Exception {
    a.always(new Status(500, "down"));
    LlmExpert e =
        LlmExpert.builder("x")
            .client(client("a", a))
            .policy(LlmPolicy.ofDefaults().withRetries(3, Duration.ofSeconds(30)))
            .build();
    java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
    e.retry().getEventPublisher().onRetry(ev -> waiting.countDown());
    Thread[] t = new Thread[1];
    CompletableFuture<Throwable> result =
        inBackground(() -> e.complete(InputData.text("hi"), Context.of(Duration.ofMinutes(5))), t);
    // The retry event comes just before the backoff wait; then the thread parks in it.
    assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
    while (t[0].getState() != Thread.State.WAITING
        && t[0].getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }

    t[0].interrupt();

    assertThat(result.get(2, TimeUnit.SECONDS)).isInstanceOf(MoeError.Cancelled.class);
    assertThat(a.requestCount()).isEqualTo(1);
  }

  @Test
  void theRetryMetricsCountCallsWithAndWithoutRetries() {
    a.then(new Status(500, "down")).always(new Ok("ok", 1, 1, "stop"));
    LlmExpert e = expert(client("a", a));

    e.complete(InputData.text("1"), Context.of(Duration.ofSeconds(5)));
    e.complete(InputData.text("2"), Context.of(Duration.ofSeconds(5)));

    assertThat(e.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    assertThat(e.retry().getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
  }
}
