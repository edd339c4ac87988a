package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The shadow runner's gates: a request's trace lists its shadows only when they were really handed
 * to the executor, and every skip is reported with its reason.
 */
class ShadowRunnerTest {

  /** Runs each task on the caller's thread, as some applications' executors do. */
  static final class DirectExecutor extends AbstractExecutorService {
    private volatile boolean shut;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shut = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shut = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shut;
    }

    @Override
    public boolean isTerminated() {
      return shut;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  /** Every event, in the order listeners saw them. */
  static final class Recorder implements EngineListener {
    final List<EngineEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void on(EngineEvent event) {
      events.add(event);
    }

    List<EngineEvent.ShadowsSkipped> skipped(EngineEvent.SkipReason reason) {
      List<EngineEvent.ShadowsSkipped> out = new ArrayList<>();
      for (EngineEvent e : events) {
        if (e instanceof EngineEvent.ShadowsSkipped s && s.reason() == reason) {
          out.add(s);
        }
      }
      return out;
    }

    long ran() {
      return events.stream().filter(e -> e instanceof EngineEvent.ShadowRan).count();
    }
  }

  private static Engine.Builder engine(Expert shadowExpert) {
    KeywordRouter primary =
        KeywordRouter.builder("primary", ExpertRegistry.of(TestExperts.Constant.of("p", "answer")))
            .build();
    KeywordRouter shadow = KeywordRouter.builder("shadow", ExpertRegistry.of(shadowExpert)).build();
    return Engine.builder(
            RuleOrchestrator.builder()
                .router(primary)
                .router(shadow)
                .defaultRouter("primary")
                .shadow("shadow")
                .build())
        .shadowMinRemaining(Duration.ZERO);
  }

  private static Context ctx(String traceId) {
    return Context.builder().budget(Duration.ofSeconds(10)).traceId(traceId).build();
  }

  @Test
  void theSampleIsAStableShareOfTraceIds() {
    int in = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = "trace-" + i;
      boolean s = ShadowRunner.sampled(id, 0.1);
      assertThat(ShadowRunner.sampled(id, 0.1)).isEqualTo(s);
      if (s) {
        in++;
        // A request in a sample is in every larger one.
        assertThat(ShadowRunner.sampled(id, 0.3)).isTrue();
      }
      assertThat(ShadowRunner.sampled(id, 0)).isFalse();
      assertThat(ShadowRunner.sampled(id, 1)).isTrue();
    }
    assertThat(in).isBetween(1_800, 2_200);
  }

  @Test
  void sampledOutRequestsListNoShadowAndAreCounted() {
    Recorder rec = new Recorder();
    try (Engine e =
        engine(TestExperts.Constant.of("s", "shadow answer"))
            .shadowSampleRate(0.5)
            .shadowExecutor(new DirectExecutor())
            .listener(rec)
            .build()) {
      int scheduled = 0;
      for (int i = 0; i < 200; i++) {
        String id = "req-" + i;
        Answer a = e.ask(InputData.text("q"), ctx(id));
        boolean in = ShadowRunner.sampled(id, 0.5);
        assertThat(a.trace().shadows()).as(id).isEqualTo(in ? List.of("shadow") : List.of());
        scheduled += in ? 1 : 0;
      }
      assertThat(scheduled).isBetween(70, 130);
      assertThat(rec.ran()).isEqualTo(scheduled);
      assertThat(rec.skipped(EngineEvent.SkipReason.SAMPLED_OUT)).hasSize(200 - scheduled);
      assertThat(rec.skipped(EngineEvent.SkipReason.SAMPLED_OUT).getFirst().shadows())
          .containsExactly("shadow");
    }
  }

  @Test
  void withoutAFreePermitTheShadowIsSkippedNotClaimed() throws Exception {
    var hang = new TestExperts.Hanging("slow-shadow");
    Recorder rec = new Recorder();
    try (Engine e = engine(hang).maxConcurrentShadows(1).listener(rec).build()) {
      Answer first = e.ask(InputData.text("q"), ctx("first"));
      assertThat(first.trace().shadows()).containsExactly("shadow");
      assertThat(hang.started.await(5, TimeUnit.SECONDS)).isTrue();
      Answer second = e.ask(InputData.text("q"), ctx("second"));
      assertThat(second.trace().shadows()).isEmpty();
      assertThat(rec.skipped(EngineEvent.SkipReason.NO_PERMIT))
          .singleElement()
          .satisfies(s -> assertThat(s.traceId()).isEqualTo("second"));
      hang.release.countDown();
      EngineTest.waitUntil(() -> rec.ran() == 1);
      // The permit comes back just after the "ran" event (the run's finally block): a request may
      // still find it taken for a moment, then a later one's shadow runs again.
      List<String> shadows = List.of();
      for (int i = 0; i < 500 && shadows.isEmpty(); i++) {
        shadows = e.ask(InputData.text("q"), ctx("third-" + i)).trace().shadows();
        if (shadows.isEmpty()) {
          Thread.sleep(10);
        }
      }
      assertThat(shadows).as("a shadow once the permit came back").containsExactly("shadow");
      EngineTest.waitUntil(() -> rec.ran() == 2);
    }
  }

  @Test
  void anExecutorThatRefusesLeavesTheTraceWithoutShadowsAndThePermitFree() {
    var refusing = Executors.newSingleThreadExecutor();
    refusing.shutdown();
    Recorder rec = new Recorder();
    try (Engine e =
        engine(TestExperts.Constant.of("s", "x"))
            .maxConcurrentShadows(1)
            .shadowExecutor(refusing)
            .listener(rec)
            .build()) {
      for (int i = 0; i < 3; i++) {
        Answer a = e.ask(InputData.text("q"), ctx("r" + i));
        assertThat(a.trace().shadows()).isEmpty();
      }
      // Refused every time, never "no permit": a refused run gives its permit back.
      assertThat(rec.skipped(EngineEvent.SkipReason.EXECUTOR_REFUSED)).hasSize(3);
      assertThat(rec.skipped(EngineEvent.SkipReason.NO_PERMIT)).isEmpty();
      assertThat(rec.ran()).isZero();
    }
  }

  @Test
  void shadowsStartAtMostMaxPerSecondOnTheEnginesClock() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T20:00:00Z"));
    Recorder rec = new Recorder();
    try (Engine e =
        engine(TestExperts.Constant.of("s", "x"))
            .clock(now::get)
            .shadowMaxPerSecond(2)
            .shadowExecutor(new DirectExecutor())
            .listener(rec)
            .build()) {
      // A second's worth to start with: two runs, then the third request is over the cap.
      assertThat(e.ask(InputData.text("q"), ctx("a")).trace().shadows()).hasSize(1);
      assertThat(e.ask(InputData.text("q"), ctx("b")).trace().shadows()).hasSize(1);
      assertThat(e.ask(InputData.text("q"), ctx("c")).trace().shadows()).isEmpty();
      assertThat(rec.skipped(EngineEvent.SkipReason.RATE))
          .singleElement()
          .satisfies(s -> assertThat(s.shadows()).containsExactly("shadow"));
      // Half a second earns one run.
      now.set(now.get().plusMillis(500));
      assertThat(e.ask(InputData.text("q"), ctx("d")).trace().shadows()).hasSize(1);
      assertThat(e.ask(InputData.text("q"), ctx("e")).trace().shadows()).isEmpty();
      // An hour idle earns a second's worth, not an hour's.
      now.set(now.get().plusSeconds(3600));
      assertThat(e.ask(InputData.text("q"), ctx("f")).trace().shadows()).hasSize(1);
      assertThat(e.ask(InputData.text("q"), ctx("g")).trace().shadows()).hasSize(1);
      assertThat(e.ask(InputData.text("q"), ctx("h")).trace().shadows()).isEmpty();
      assertThat(rec.skipped(EngineEvent.SkipReason.RATE)).hasSize(3);
      assertThat(rec.ran()).isEqualTo(5);
    }
  }

  @Test
  void withoutACapEveryRequestsShadowsRunAndANegativeCapIsRefused() {
    Recorder rec = new Recorder();
    try (Engine e =
        engine(TestExperts.Constant.of("s", "x"))
            .clock(() -> Instant.EPOCH)
            .shadowMaxPerSecond(0)
            .shadowExecutor(new DirectExecutor())
            .listener(rec)
            .build()) {
      for (int i = 0; i < 100; i++) {
        assertThat(e.ask(InputData.text("q"), ctx("r" + i)).trace().shadows()).hasSize(1);
      }
      assertThat(rec.skipped(EngineEvent.SkipReason.RATE)).isEmpty();
    }
    assertThatThrownBy(() -> engine(TestExperts.Constant.of("s", "x")).shadowMaxPerSecond(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shadows per second must be >= 0");
  }

  @Test
  void shadowsStayWithinTheirShareOfThePrimariesCpu() {
    AtomicLong processCpu = new AtomicLong(1_000_000_000L);
    Recorder rec = new Recorder();
    try (Engine e =
        engine(TestExperts.Constant.of("s", "x"))
            .shadowCpuShare(0.5)
            // One nanosecond of credit to start with: one shadow run spends it.
            .shadowCpuClock(processCpu::get, 1)
            .shadowExecutor(new DirectExecutor())
            .listener(rec)
            .build()) {
      assertThat(e.ask(InputData.text("q"), ctx("a")).trace().shadows()).hasSize(1);
      // The primaries spent no CPU since: the shadow is over its share.
      assertThat(e.ask(InputData.text("q"), ctx("b")).trace().shadows()).isEmpty();
      assertThat(rec.skipped(EngineEvent.SkipReason.CPU_SHARE)).hasSize(1);
      // Ten seconds of primaries' CPU earn five of shadows' (capped at the 1 ns burst).
      processCpu.addAndGet(10_000_000_000L);
      assertThat(e.ask(InputData.text("q"), ctx("c")).trace().shadows()).hasSize(1);
      assertThat(rec.ran()).isEqualTo(2);
    }
  }

  @Test
  void shadowsReportAfterTheirAnswerAndAThrowingListenerHarmsNothing() throws Exception {
    Recorder rec = new Recorder();
    for (boolean direct : new boolean[] {true, false}) {
      rec.events.clear();
      Engine.Builder b =
          engine(TestExperts.Constant.of("s", "x"))
              .listener(
                  event -> {
                    throw new IllegalStateException("listener bug");
                  })
              .listener(rec);
      if (direct) {
        b.shadowExecutor(new DirectExecutor());
      }
      try (Engine e = b.build()) {
        for (int i = 0; i < 20; i++) {
          assertThat(e.ask(InputData.text("q"), ctx("t" + i)).value().render()).isEqualTo("answer");
        }
        EngineTest.waitUntil(() -> rec.ran() == 20);
      }
      for (int i = 0; i < 20; i++) {
        String id = "t" + i;
        List<EngineEvent> mine = rec.events.stream().filter(x -> x.traceId().equals(id)).toList();
        assertThat(mine).as(id).hasSize(2);
        assertThat(mine.get(0)).isInstanceOf(EngineEvent.Answered.class);
        assertThat(mine.get(1)).isInstanceOf(EngineEvent.ShadowRan.class);
      }
    }
  }
}
