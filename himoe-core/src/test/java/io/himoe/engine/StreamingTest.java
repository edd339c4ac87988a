package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.StreamingExpert;
import io.himoe.experts.TestExperts;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request streams when its context carries a token listener and its router calls one streaming
 * expert: tokens arrive while the expert is still answering, and nothing else streams (several
 * experts, shadows, later stages, a dropped call).
 */
class StreamingTest {

  /** Streams its words; can wait between tokens until released. */
  static final class Words implements StreamingExpert {
    final String name;
    final List<String> words;
    final CountDownLatch release;
    final CountDownLatch firstSent = new CountDownLatch(1);
    volatile int inferCalls;

    Words(String name, CountDownLatch release, String... words) {
      this.name = name;
      this.words = List.of(words);
      this.release = release;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      inferCalls++;
      return ExpertOut.of(Value.text(String.join("", words)), 0, 0.9);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener)
        throws InterruptedException {
      for (int i = 0; i < words.size(); i++) {
        listener.onToken(words.get(i));
        if (i == 0) {
          firstSent.countDown();
          if (!release.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        }
      }
      return ExpertOut.of(Value.text(String.join("", words)), 0, 0.9);
    }

    @Override
    public double canHandle(String task) {
      return task.contains(name) ? 0.9 : 0.1;
    }
  }

  static Context streaming(long ms, List<String> sink) {
    return Context.builder().budget(Duration.ofMillis(ms)).build().withTokens(sink::add);
  }

  @Test
  void tokensArriveWhileTheExpertIsStillAnswering() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Words w = new Words("story", release, "once ", "upon ", "a time");
    List<String> got = new CopyOnWriteArrayList<>();
    try (Engine e =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(KeywordRouter.builder("main", ExpertRegistry.of(w)).build())
                    .build())
            .build()) {
      Thread asker =
          Thread.ofVirtual().start(() -> e.ask(InputData.text("a story"), streaming(5_000, got)));
      assertThat(w.firstSent.await(5, TimeUnit.SECONDS)).isTrue();
      // The answer is not ready (the expert waits), yet the first token is already delivered.
      assertThat(got).containsExactly("once ");
      assertThat(asker.isAlive()).isTrue();
      release.countDown();
      asker.join();
      assertThat(got).containsExactly("once ", "upon ", "a time");
      assertThat(w.inferCalls).isZero();
    }
  }

  @Test
  void severalExpertsShadowsAndLaterStagesDoNotStream() {
    CountDownLatch open = new CountDownLatch(0);
    Words a = new Words("alpha", open, "a1 ", "a2");
    Words b = new Words("beta", open, "b1 ", "b2");
    Words shadowOnly = new Words("shadow", open, "s1 ", "s2");
    List<String> got = new CopyOnWriteArrayList<>();
    try (Engine two =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(KeywordRouter.builder("main", ExpertRegistry.of(a, b)).topK(2).build())
                    .build())
            .build()) {
      Answer ans = two.ask(InputData.text("alpha beta"), streaming(5_000, got));
      assertThat(ans.value().render()).isNotEmpty();
      assertThat(got).isEmpty();
      assertThat(a.inferCalls + b.inferCalls).isEqualTo(2);
    }
    try (Engine withShadow =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(KeywordRouter.builder("main", ExpertRegistry.of(a)).build())
                    .router(KeywordRouter.builder("shadow", ExpertRegistry.of(shadowOnly)).build())
                    .defaultRouter("main")
                    .shadow("shadow")
                    .build())
            .build()) {
      withShadow.ask(InputData.text("alpha"), streaming(5_000, got));
      assertThat(got).containsExactly("a1 ", "a2");
    }
    // The shadow ran on its own, after the answer, without streaming.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (shadowOnly.inferCalls == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(shadowOnly.inferCalls).isEqualTo(1);
    assertThat(got).containsExactly("a1 ", "a2");
  }

  @Test
  void aDroppedCallStopsStreaming() {
    CountDownLatch never = new CountDownLatch(1);
    Words slow = new Words("slow", never, "first ", "never sent");
    List<String> got = new CopyOnWriteArrayList<>();
    try (Engine e =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(KeywordRouter.builder("main", ExpertRegistry.of(slow)).build())
                    .build())
            .build()) {
      assertThatThrownBy(() -> e.ask(InputData.text("slow"), streaming(200, got)))
          .isInstanceOf(MoeError.class);
      never.countDown();
      assertThat(got).containsExactly("first ");
    }
  }

  @Test
  void aNonStreamingExpertAnswersAStreamingRequestWhole() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (Engine e =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(
                        KeywordRouter.builder(
                                "main",
                                ExpertRegistry.of(TestExperts.Constant.of("plain", "whole")))
                            .build())
                    .build())
            .build()) {
      Answer a = e.ask(InputData.text("x"), streaming(5_000, got));
      assertThat(a.value()).isEqualTo(Value.text("whole"));
      assertThat(got).isEmpty();
    }
  }
}
