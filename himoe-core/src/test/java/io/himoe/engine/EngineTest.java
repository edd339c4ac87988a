package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.experts.planning.RulePlanner;
import io.himoe.orchestrator.OrchestrationFeedback;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.GateScores;
import io.himoe.router.KeywordRouter;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.router.aggregation.Aggregators;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EngineTest {

  private static KeywordRouter router(String id, int k, Expert... experts) {
    return KeywordRouter.builder(id, ExpertRegistry.of(experts)).topK(k).build();
  }

  private static Engine engine(Router... routers) {
    RuleOrchestrator.Builder b = RuleOrchestrator.builder();
    for (Router r : routers) {
      b.router(r);
    }
    return Engine.builder(b.build()).build();
  }

  private static Context ctx(long ms) {
    return Context.builder().budget(Duration.ofMillis(ms)).traceId("t-" + ms).build();
  }

  @Test
  void answersWithTheBestExpertAndATraceWhoseIdReachesEveryExpert() {
    var math = new TestExperts.Constant("math", Value.text("4"), 0.9, 0.01, "2+2");
    var other = new TestExperts.Constant("other", Value.text("?"), 0.2, 0.0, null);
    try (Engine e = engine(router("main", 2, math, other))) {
      Answer a = e.ask(InputData.text("what is 2+2"), ctx(5_000));
      assertThat(a.value()).isEqualTo(Value.text("4"));
      assertThat(a.traceId()).isEqualTo("t-5000");
      StageTrace st = a.trace().stages().getFirst();
      assertThat(st.experts()).extracting(ExpertTrace::name).containsExactly("math", "other");
      assertThat(st.experts()).extracting(ExpertTrace::status).containsOnly(ExpertStatus.ANSWERED);
      assertThat(st.mix().topK()).isEqualTo(2);
      assertThat(st.mix().utilByExpert()).containsOnlyKeys("math", "other");
      assertThat(st.mix().entropy()).isPositive();
      assertThat(st.mix().disagreement()).isPositive();
      assertThat(a.trace().costUnits()).isEqualTo(0.01);
      assertThat(math.lastCtx.get().traceId()).isEqualTo("t-5000");
    }
  }

  @Test
  void aFailingExpertIsIsolatedAndOnlyAllFailingFailsTheRequest() {
    var ok = TestExperts.Constant.of("ok", "fine");
    try (Engine e = engine(router("main", 2, new TestExperts.Failing("bad"), ok))) {
      Answer a = e.ask(InputData.text("hello"), ctx(5_000));
      assertThat(a.value()).isEqualTo(Value.text("fine"));
      assertThat(a.trace().stages().getFirst().experts())
          .filteredOn(t -> t.name().equals("bad"))
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.status()).isEqualTo(ExpertStatus.FAILED);
                assertThat(t.detail()).contains("bad").contains("boom from bad");
              });
    }
    try (Engine e =
        engine(router("main", 2, new TestExperts.Failing("x"), new TestExperts.Failing("y")))) {
      assertThatThrownBy(() -> e.ask(InputData.text("hello"), ctx(5_000)))
          .isInstanceOf(MoeError.NoExpertAnswered.class)
          .hasMessageContaining("x failed")
          .hasMessageContaining("y failed");
    }
  }

  @Test
  void aHangingExpertIsDroppedAtTheDeadlineAndInterrupted() throws Exception {
    var hang = new TestExperts.Hanging("slow");
    var fast = TestExperts.Constant.of("fast", "quick");
    KeywordRouter r = router("main", 2, hang, fast);
    try (Engine e = engine(r)) {
      Answer a = e.ask(InputData.text("anything"), ctx(150));
      assertThat(a.value()).isEqualTo(Value.text("quick"));
      assertThat(a.trace().dropCount()).isEqualTo(1);
      assertThat(a.trace().stages().getFirst().experts())
          .filteredOn(t -> t.name().equals("slow"))
          .extracting(ExpertTrace::status)
          .containsExactly(ExpertStatus.DROPPED);
      // The dropped call really stops: it was interrupted, and no call is left in flight.
      waitUntil(() -> hang.running.get() == 0);
      assertThat(hang.interrupted.get()).isEqualTo(1);
      var id = r.experts().byName("slow").orElseThrow().id();
      waitUntil(() -> r.experts().stats(id).inFlight() == 0);
      assertThat(r.experts().stats(id).drops()).isEqualTo(1);
    }
  }

  @Test
  void onlyHangingExpertsMeansDeadlineExceeded() {
    try (Engine e = engine(router("main", 1, new TestExperts.Hanging("slow")))) {
      assertThatThrownBy(() -> e.ask(InputData.text("x"), ctx(50)))
          .isInstanceOf(MoeError.DeadlineExceeded.class)
          .hasMessageContaining("slow dropped (deadline)");
    }
  }

  @Test
  void cancellingTheRequestStopsTheWaitAndTheExperts() throws Exception {
    var hang = new TestExperts.Hanging("slow");
    try (Engine e = engine(router("main", 1, hang))) {
      CancelToken token = CancelToken.create();
      Context c = Context.builder().budget(Duration.ofSeconds(30)).cancel(token).build();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  hang.started.await();
                } catch (InterruptedException ex) {
                  return;
                }
                token.cancel();
              });
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> e.ask(InputData.text("x"), c))
          .isInstanceOf(MoeError.Cancelled.class);
      // Far below the 30 s budget: the cancel released the wait.
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
      waitUntil(() -> hang.running.get() == 0);
    }
  }

  @Test
  void expiredOrCancelledContextsFailBeforeAnyExpertIsCalled() {
    var a = TestExperts.Constant.of("a", "x");
    try (Engine e = engine(router("main", 1, a))) {
      CancelToken token = CancelToken.create();
      token.cancel();
      Context c = Context.builder().budget(Duration.ofSeconds(1)).cancel(token).build();
      assertThatThrownBy(() -> e.ask(InputData.text("x"), c))
          .isInstanceOf(MoeError.Cancelled.class);
      assertThat(a.calls.get()).isZero();
    }
  }

  @Test
  void badInputIsRefusedWithAClearError() {
    assertThatThrownBy(() -> InputData.text(""))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> InputData.text(null)).isInstanceOf(MoeError.InvalidInput.class);
    assertThatThrownBy(() -> InputData.features(1f, Float.NaN))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> InputData.features(Float.POSITIVE_INFINITY))
        .isInstanceOf(MoeError.InvalidInput.class);
    assertThatThrownBy(() -> RouterConfig.of(0)).hasMessageContaining("top_k must be >= 1");
    assertThatThrownBy(() -> Context.of(Duration.ZERO)).hasMessageContaining("budget");
    assertThatThrownBy(() -> Context.of(Duration.ofMillis(-5))).hasMessageContaining("budget");
    assertThatThrownBy(() -> Context.builder().costBudget(0)).hasMessageContaining("cost budget");
    assertThatThrownBy(
            () ->
                RuleOrchestrator.builder()
                    .router(router("main", 1, TestExperts.Constant.of("a", "x")))
                    .rule(x -> true, "nope")
                    .build())
        .hasMessageContaining("unknown router 'nope'");
    assertThatThrownBy(
            () ->
                Aggregators.bestScore()
                    .combine(InputData.text("x"), List.of(), new GateScores(List.of()), ctx(10)))
        .isInstanceOf(MoeError.AggregationFailed.class)
        .hasMessageContaining("no expert outputs");
    RuleOrchestrator o =
        RuleOrchestrator.builder()
            .router(router("main", 1, TestExperts.Constant.of("a", "x")))
            .build();
    assertThatThrownBy(() -> o.lookup("ghost"))
        .isInstanceOf(MoeError.UnknownRouter.class)
        .hasMessageContaining("ghost")
        .hasMessageContaining("main");
  }

  @Test
  void kIsClampedToTheNumberOfExperts() {
    try (Engine e =
        engine(
            router(
                "main",
                10,
                TestExperts.Constant.of("a", "x"),
                TestExperts.Constant.of("b", "x")))) {
      Answer a = e.ask(InputData.text("x"), ctx(5_000));
      assertThat(a.trace().stages().getFirst().mix().topK()).isEqualTo(2);
    }
  }

  @Test
  void feedbackIsJoinedByTraceIdAndReachesTheRouter() {
    List<RouterFeedback> got = new CopyOnWriteArrayList<>();
    ExpertRegistry reg =
        ExpertRegistry.of(TestExperts.Constant.of("a", "x"), TestExperts.Constant.of("b", "y"));
    Router learning =
        new Router() {
          @Override
          public String id() {
            return "learning";
          }

          @Override
          public ExpertRegistry experts() {
            return reg;
          }

          @Override
          public RouterConfig config() {
            return RouterConfig.of(1);
          }

          @Override
          public GateScores gate(RouterInput input, Context ctx) {
            return GateScores.of(
                reg.list().stream().map(r -> r.id()).toList(), new double[] {1.0, 0.0});
          }

          @Override
          public void trainSignal(RouterFeedback fb) {
            got.add(fb);
          }
        };
    try (Engine e = engine(learning)) {
      Answer a = e.ask(InputData.text("q"), ctx(5_000));
      e.feedback(Feedback.bestExpert(a.traceId(), "b"));
      e.feedback(Feedback.reward(a.traceId(), 0.25));
      assertThat(got).hasSize(2);
      assertThat(got.get(0).target()).contains(reg.byName("b").orElseThrow().id());
      assertThat(got.get(0).chosen()).containsExactly(reg.byName("a").orElseThrow().id());
      // the stored decision keeps the policy's weights of every expert, in order, as traced
      for (ExpertTrace t : a.trace().stages().getFirst().experts()) {
        assertThat(got.get(0).weights().valueOf(reg.byName(t.name()).orElseThrow().id()))
            .as(t.name())
            .isEqualTo(t.weight());
      }
      assertThat(got.get(0).weights().ids())
          .containsExactly(reg.byName("a").orElseThrow().id(), reg.byName("b").orElseThrow().id());
      assertThat(got.get(0).input().source()).isEqualTo(InputData.text("q"));
      assertThat(got.get(1).taskLoss()).isEqualTo(0.75);
      assertThat(got.get(1).reward().getAsDouble()).isEqualTo(0.25);
      assertThatThrownBy(() -> e.feedback(Feedback.reward("nope", 1)))
          .isInstanceOf(MoeError.UnknownTrace.class);
      assertThatThrownBy(() -> e.feedback(Feedback.bestExpert(a.traceId(), "zzz")))
          .isInstanceOf(MoeError.InvalidInput.class)
          .hasMessageContaining("zzz");
      assertThatThrownBy(() -> Feedback.reward(a.traceId(), 1.5)).hasMessageContaining("reward");
    }
  }

  @Test
  void aSlowShadowNeverDelaysTheAnswerAndReportsAfterwards() throws Exception {
    var hang = new TestExperts.Hanging("shadow-expert");
    var reports = new CopyOnWriteArrayList<ShadowReport>();
    var feedbacks = new CopyOnWriteArrayList<OrchestrationFeedback>();
    CountDownLatch reported = new CountDownLatch(1);
    KeywordRouter primary = router("primary", 1, TestExperts.Constant.of("p", "primary answer"));
    KeywordRouter shadow = router("shadow", 1, hang);
    RuleOrchestrator base =
        RuleOrchestrator.builder().router(primary).router(shadow).shadow("shadow").build();
    var orch =
        new io.himoe.orchestrator.Orchestrator() {
          @Override
          public io.himoe.orchestrator.RouterRef chooseRouter(InputData input, Context ctx) {
            return base.chooseRouter(input, ctx);
          }

          @Override
          public List<io.himoe.orchestrator.RouterRef> routers() {
            return base.routers();
          }

          @Override
          public List<io.himoe.orchestrator.RouterRef> shadows(
              InputData input, io.himoe.orchestrator.RouterRef p) {
            return base.shadows(input, p);
          }

          @Override
          public void feedback(OrchestrationFeedback fb) {
            feedbacks.add(fb);
          }
        };
    try (Engine e =
        Engine.builder(orch)
            .shadowMinRemaining(Duration.ofMillis(100))
            .listener(
                event -> {
                  if (event instanceof EngineEvent.ShadowRan(ShadowReport r)) {
                    reports.add(r);
                    reported.countDown();
                  }
                })
            .build()) {
      Answer a = e.ask(InputData.text("q"), ctx(10_000));
      // The answer is back while the shadow's expert is still blocked: it did not wait for it.
      assertThat(hang.started.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(a.value()).isEqualTo(Value.text("primary answer"));
      assertThat(a.trace().shadows()).containsExactly("shadow");
      assertThat(reports).isEmpty();
      hang.release.countDown();
      assertThat(reported.await(5, TimeUnit.SECONDS)).isTrue();
      waitUntil(() -> !feedbacks.isEmpty());
      assertThat(reports.getFirst().shadowAnswer()).contains("shadow-expert finally");
      assertThat(feedbacks.getFirst().shadowsCompared()).containsExactly("shadow");
      assertThat(feedbacks.getFirst().primaryRouter()).isEqualTo("primary");

      // Under the threshold, no shadow is scheduled.
      Answer tight = e.ask(InputData.text("q"), ctx(60));
      assertThat(tight.trace().shadows()).isEmpty();
    }
  }

  @Test
  void aPlanIsExpandedIntoStagesRoutedStepByStep() {
    KeywordRouter planner = router("planner", 1, new RulePlanner());
    KeywordRouter steps = router("steps", 1, new TestExperts.Upper("doer"));
    RuleOrchestrator o =
        RuleOrchestrator.builder()
            .router(planner)
            .router(steps)
            .defaultRouter("planner")
            .planSteps("steps")
            .build();
    try (Engine e = Engine.builder(o).build()) {
      Answer a =
          e.ask(
              InputData.text("Launch the site:\n- [x] buy a domain\n- write pages\n- deploy"),
              ctx(5_000));
      assertThat(a.trace().stages())
          .extracting(StageTrace::label)
          .containsExactly("main", "step 2/3", "step 3/3");
      Value.Json json = (Value.Json) a.value();
      assertThat(json.data().get("goal").asText()).isEqualTo("Launch the site");
      assertThat(json.data().get("steps").get(0).get("status").asText()).isEqualTo("already done");
      assertThat(json.data().get("steps").get(1).get("answer").asText()).isEqualTo("WRITE PAGES");
      assertThat(json.data().get("steps").get(2).get("answer").asText()).isEqualTo("DEPLOY");
    }
  }

  @Test
  void chainedRoutersPassEachOutputToTheNextStage() {
    KeywordRouter first =
        router(
            "first", 1, new TestExperts.Constant("hello", Value.text("hello world"), 0.9, 0, null));
    KeywordRouter second = router("second", 1, new TestExperts.Upper("upper"));
    RuleOrchestrator o =
        RuleOrchestrator.builder().router(first).router(second).chain("first", "second").build();
    try (Engine e = Engine.builder(o).build()) {
      Answer a = e.ask(InputData.text("greet"), ctx(5_000));
      assertThat(a.value()).isEqualTo(Value.text("HELLO WORLD"));
      assertThat(a.trace().stages())
          .extracting(StageTrace::routerId)
          .containsExactly("first", "second");
    }
    assertThatThrownBy(() -> RuleOrchestrator.builder().router(first).chain("first", "first"))
        .hasMessageContaining("itself");
  }

  @Test
  void previewCallsNoExpert() {
    var a = TestExperts.Constant.of("a", "x");
    try (Engine e = engine(router("main", 1, a, TestExperts.Constant.of("b", "y")))) {
      RoutePreview p = e.preview(InputData.text("x"), ctx(5_000));
      assertThat(p.routerId()).isEqualTo("main");
      assertThat(p.experts())
          .extracting(ExpertTrace::status)
          .containsExactly(ExpertStatus.WOULD_CALL, ExpertStatus.NOT_PICKED);
      assertThat(a.calls.get()).isZero();
    }
  }

  static void waitUntil(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not reached within 10 s");
      }
      Thread.sleep(5);
    }
  }

  @Test
  void anErrorIsNotAnExpertFailureItReachesTheCaller() {
    Expert oom =
        new Expert() {
          @Override
          public String name() {
            return "oom";
          }

          @Override
          public io.himoe.experts.ExpertOut infer(InputData input, Context ctx) {
            throw new OutOfMemoryError("test: Java heap space");
          }
        };
    var ok = TestExperts.Constant.of("ok", "fine");
    try (Engine e = engine(router("main", 2, oom, ok))) {
      // Like LlmExpert, which rethrows Errors: the request fails with the Error itself, even
      // though another expert answered.
      assertThatThrownBy(() -> e.ask(InputData.text("q"), ctx(5_000)))
          .isInstanceOf(OutOfMemoryError.class)
          .hasMessageContaining("Java heap space");
    }
  }
}
