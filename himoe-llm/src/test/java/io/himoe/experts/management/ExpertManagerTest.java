package io.himoe.experts.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.StreamingExpert;
import io.himoe.experts.llm.LlmClient;
import io.himoe.experts.llm.LlmExpert;
import io.himoe.experts.llm.LlmPolicy;
import io.himoe.experts.llm.MutableClock;
import io.himoe.experts.llm.OpenAiEndpoint;
import io.himoe.experts.llm.OpenAiTestServer;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExpertManagerTest {

  /** Upper-cases its input; fails on inputs that contain "fail". */
  record Upper(String name) implements Expert {
    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      String t = input.toText();
      if (t.contains("fail")) {
        throw new IllegalStateException("cannot handle '" + t + "'");
      }
      return ExpertOut.of(Value.text(t.toUpperCase(Locale.ROOT)), 0, 0.9);
    }
  }

  private static final ManagementPolicy JUDGE_AFTER_4 =
      new ManagementPolicy(true, 0.8, 0.8, Duration.ofMinutes(5), 0.85, 4, false, 64, 2);

  private static Context ctx() {
    return Context.of(Duration.ofSeconds(5));
  }

  private static void call(ExpertRegistry r, String name, String text) {
    try {
      r.byName(name).orElseThrow().expert().infer(InputData.text(text), ctx());
    } catch (Exception expected) {
      // failures are what some tests measure
    }
  }

  @Test
  void registersAndRemovesAtRunTimeWithHealthFromTheFirstMoment() {
    ExpertRegistry registry = ExpertRegistry.create();
    ExpertManager m = ExpertManager.create(registry);

    ExpertRef ref = m.register(new Upper("upper"));

    assertThat(registry.list()).extracting(ExpertRef::name).containsExactly("upper");
    assertThat(ref.expert().canHandle("x")).isZero();
    assertThat(m.health("upper")).hasValueSatisfying(h -> assertThat(h.calls()).isZero());
    assertThat(m.expert("upper")).containsInstanceOf(Upper.class);
    assertThatThrownBy(() -> m.register(new Upper("upper"))).hasMessageContaining("'upper'");
    assertThat(registry.size()).isEqualTo(1);

    assertThat(m.remove("upper")).isTrue();
    assertThat(registry.list()).isEmpty();
    assertThat(m.health("upper")).isEmpty();
    assertThat(m.remove("upper")).isFalse();
  }

  @Test
  void measuresSuccessRateAndRanksByTheSeedScore() throws Exception {
    ExpertRegistry registry = ExpertRegistry.create();
    ExpertManager m = ExpertManager.create(registry);
    m.register(new Upper("good"));
    m.register(new Upper("flaky"));
    m.register(new Upper("unused"));

    for (int i = 0; i < 4; i++) {
      call(registry, "good", "hello");
      call(registry, "flaky", i % 2 == 0 ? "hello" : "please fail");
    }
    Object answer =
        registry.byName("good").orElseThrow().expert().infer(InputData.text("abc"), ctx());

    assertThat(answer).isEqualTo(ExpertOut.of(Value.text("ABC"), 0, 0.9));
    ExpertHealth flaky = m.health("flaky").orElseThrow();
    assertThat(flaky.calls()).isEqualTo(4);
    assertThat(flaky.successRate()).isEqualTo(0.5);
    assertThat(flaky.p50LatencyMs()).isGreaterThanOrEqualTo(0);
    // No calls yet: success 1, no load, speed term 1 -> 0.5 + 0.3 + 0.2
    assertThat(m.health("unused").orElseThrow().score())
        .isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    // Same speed and load, half the success rate: flaky ranks below good.
    assertThat(m.ranking()).extracting(ExpertHealth::name).containsSubsequence("good", "flaky");
    assertThat(m.health("good").orElseThrow().score() - flaky.score())
        .isEqualTo(0.25, org.assertj.core.data.Offset.offset(0.05));
  }

  @Test
  void flagsUnderPerformersAndRemovesThemWhenThePolicySaysSo() {
    ExpertRegistry registry = ExpertRegistry.create();
    ExpertManager m =
        ExpertManager.create(
            registry, JUDGE_AFTER_4.withRemoveUnderperforming(true), ScoreWeights.ofDefaults());
    m.register(new Upper("flaky"));
    m.register(new Upper("good"));

    for (int i = 0; i < 3; i++) {
      call(registry, "flaky", "fail");
    }
    assertThat(m.manage()).isEmpty(); // not judged before 4 calls
    call(registry, "flaky", "fail");
    call(registry, "good", "x");

    List<ManagementAction> actions = m.manage();

    assertThat(actions)
        .containsExactly(
            new ManagementAction.Flagged(
                "flaky", "success rate 0.00 below 0.85 over its last calls"),
            new ManagementAction.Removed(
                "flaky", "success rate 0.00 below 0.85 over its last calls"));
    assertThat(registry.list()).extracting(ExpertRef::name).containsExactly("good");
  }

  @Test
  void flagsWithoutRemovingByDefault() {
    ExpertRegistry registry = ExpertRegistry.create();
    ExpertManager m = ExpertManager.create(registry, JUDGE_AFTER_4, ScoreWeights.ofDefaults());
    m.register(new Upper("flaky"));
    for (int i = 0; i < 4; i++) {
      call(registry, "flaky", "fail");
    }

    assertThat(m.manage()).hasSize(1).first().isInstanceOf(ManagementAction.Flagged.class);
    assertThat(m.health("flaky").orElseThrow().flagged()).isTrue();
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void scalesALoadedWellScoredLlmExpertUpAndReleasesIdleInstances() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (OpenAiTestServer server = new OpenAiTestServer()) {
      List<LlmClient> replicas =
          List.of("r1", "r2", "r3").stream()
              .map(
                  n ->
                      LlmClient.openAi(
                          OpenAiEndpoint.of(n, server.baseUrl(), "m"),
                          LlmPolicy.ofDefaults(),
                          k -> null,
                          clock))
              .toList();
      LlmExpert llm =
          LlmExpert.builder("coder").clients(replicas).clock(clock).instances(1, 3, 1).build();
      ExpertRegistry registry = ExpertRegistry.create();
      // Score on success only, so that the test does not depend on how fast this machine is.
      ScoreWeights successOnly = new ScoreWeights(1, 0, 0, 1000, 5);
      ExpertManager m = ExpertManager.create(registry, JUDGE_AFTER_4, successOnly);
      ExpertRef ref = m.register(llm);
      assertThat(ref.expert()).isInstanceOf(StreamingExpert.class);

      clock.advance(Duration.ofMinutes(6));
      assertThat(m.manage()).containsExactly(new ManagementAction.Released("coder", 2));
      assertThat(m.manage()).containsExactly(new ManagementAction.Released("coder", 1));
      assertThat(m.manage()).isEmpty();

      // Two answers give it a good score, then one held call fills its single instance.
      server.then(
          new OpenAiTestServer.Ok("a", 1, 1, "stop"), new OpenAiTestServer.Ok("b", 1, 1, "stop"));
      server.always(new OpenAiTestServer.Held("slow"));
      ref.expert().infer(InputData.text("1"), ctx());
      ref.expert().infer(InputData.text("2"), ctx());
      CompletableFuture<ExpertOut> held =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ref.expert().infer(InputData.text("3"), ctx());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(server.awaitRequest(Duration.ofSeconds(5))).isTrue(); // "1"
      assertThat(server.awaitRequest(Duration.ofSeconds(5))).isTrue(); // "2"
      assertThat(server.awaitRequest(Duration.ofSeconds(5))).isTrue(); // "3", held

      List<ManagementAction> actions = m.manage();

      assertThat(actions).hasSize(1);
      assertThat(actions.getFirst())
          .isInstanceOfSatisfying(
              ManagementAction.ScaledUp.class,
              a -> {
                assertThat(a.instances()).isEqualTo(2);
                assertThat(a.loadFraction()).isEqualTo(1.0);
                assertThat(a.score()).isGreaterThan(0.8);
              });
      assertThat(llm.instances()).isEqualTo(2);
      server.release();
      assertThat(held.get(5, TimeUnit.SECONDS).value()).isEqualTo(Value.text("slow"));
    }
  }
}
