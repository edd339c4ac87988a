package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.himoe.experts.llm.OpenAiTestServer.Held;
import io.himoe.experts.llm.OpenAiTestServer.Ok;
import io.himoe.experts.llm.OpenAiTestServer.Status;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmResilienceTest {

  // No retries, so each call is one request; the circuit opens after 2 calls at >= 50% failures.
  private static final LlmPolicy POLICY =
      LlmPolicy.ofDefaults()
          .withRetries(1, Duration.ofMillis(10))
          .withCircuit(50f, 4, 2, Duration.ofSeconds(30));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
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

  private LlmClient client(String name, OpenAiTestServer s) {
    return LlmClient.openAi(OpenAiEndpoint.of(name, s.baseUrl(), name), POLICY, k -> null, clock);
  }

  private static Context ctx() {
    return Context.of(Duration.ofSeconds(10));
  }

  @Test
  void theCircuitOpensAfterRepeatedFailuresAndThenRefusesWithoutCalling() {
    a.always(new Status(500, "down"));
    LlmExpert e = LlmExpert.builder("x").client(client("a", a)).policy(POLICY).build();

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx()))
          .isInstanceOf(LlmException.class);
    }
    assertThat(e.clients().getFirst().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);

    assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx()))
        .isInstanceOfSatisfying(
            LlmException.class,
            x -> assertThat(x.kind()).isEqualTo(LlmException.Kind.CIRCUIT_OPEN));
    assertThat(a.requestCount()).isEqualTo(2);
  }

  @Test
  void anOpenCircuitLetsAProbeThroughAfterItsWaitAndClosesOnSuccess() {
    a.then(new Status(500, "down"), new Status(500, "down")).always(new Ok("back", 1, 1, "stop"));
    LlmExpert e = LlmExpert.builder("x").client(client("a", a)).policy(POLICY).build();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> e.complete(InputData.text("hi"), ctx()))
          .isInstanceOf(LlmException.class);
    }

    clock.advance(Duration.ofSeconds(31));

    assertThat(e.complete(InputData.text("hi"), ctx()).text()).isEqualTo("back");
    assertThat(e.clients().getFirst().circuitState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
  }

  @Test
  void callsMoveToAnotherModelWhenOnesCircuitIsOpen() {
    a.always(new Status(503, "down"));
    b.always(new Ok("from b", 1, 1, "stop"));
    LlmExpert e =
        LlmExpert.builder("x")
            .clients(List.of(client("a", a), client("b", b)))
            .policy(LlmPolicy.ofDefaults().withRetries(2, Duration.ofMillis(5)))
            .build();

    // Each call fails on a once; its retry goes to b, which has not failed in this call.
    for (int i = 0; i < 4; i++) {
      assertThat(e.complete(InputData.text("hi"), ctx()).endpoint()).isEqualTo("b");
    }
    assertThat(e.clients().getFirst().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    int before = a.requestCount();
    assertThat(e.complete(InputData.text("hi"), ctx()).attempts()).isEqualTo(1);
    assertThat(a.requestCount()).isEqualTo(before);
  }

  @Test
  void concurrentCallsSpreadEvenlyOverTheModels() throws Exception {
    a.always(new Held("a"));
    LlmExpert e =
        LlmExpert.builder("x")
            .clients(List.of(client("a1", a), client("a2", a)))
            .policy(POLICY)
            .build();
    List<CompletableFuture<LlmAnswer>> calls = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 20; i++) {
        calls.add(
            CompletableFuture.supplyAsync(() -> e.complete(InputData.text("q"), ctx()), pool));
      }
      for (int i = 0; i < 20; i++) {
        assertThat(a.awaitRequest(Duration.ofSeconds(5))).isTrue();
      }

      assertThat(e.clients()).extracting(LlmClient::inFlight).containsExactly(10, 10);
      a.release();
      for (CompletableFuture<LlmAnswer> c : calls) {
        assertThat(c.get(5, TimeUnit.SECONDS).text()).isEqualTo("a");
      }
    }
    assertThat(e.load()).isZero();
  }

  @Test
  void eachCallGoesToTheLeastLoadedModel() throws Exception {
    a.always(new Held("slow a"));
    b.always(new Ok("fast b", 1, 1, "stop"));
    LlmExpert e =
        LlmExpert.builder("x")
            .clients(List.of(client("a", a), client("b", b)))
            .policy(POLICY)
            .build();

    CompletableFuture<LlmAnswer> first =
        CompletableFuture.supplyAsync(() -> e.complete(InputData.text("1"), ctx()));
    assertThat(a.awaitRequest(Duration.ofSeconds(5))).isTrue();
    assertThat(e.load()).isEqualTo(1);

    LlmAnswer second = e.complete(InputData.text("2"), ctx());
    assertThat(second.endpoint()).isEqualTo("b");

    a.release();
    assertThat(first.get(5, TimeUnit.SECONDS).endpoint()).isEqualTo("a");
    assertThat(e.load()).isZero();
  }
}
