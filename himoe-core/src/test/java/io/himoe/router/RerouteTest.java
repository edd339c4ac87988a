package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.ExpertStats;
import io.himoe.experts.TestExperts;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Seed 000's re-route and the recovery of experts skipped for their past latency. */
class RerouteTest {

  /** A clock moved by hand. */
  static final class HandClock implements InstantSource {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Fails with the given error. */
  static final class Throwing implements Expert {
    final String name;
    final RuntimeException error;
    final AtomicInteger calls = new AtomicInteger();

    Throwing(String name, RuntimeException error) {
      this.name = name;
      this.error = error;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double canHandle(String task) {
      return 1.0;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      calls.incrementAndGet();
      throw error;
    }
  }

  private static KeywordRouter router(Reroute reroute, Expert... experts) {
    KeywordRouter.Builder b = KeywordRouter.builder("main", ExpertRegistry.of(experts));
    // The first expert leads by keyword; the others follow in the order given.
    for (int i = 0; i < experts.length; i++) {
      b.keyword(experts[i].name(), "go", experts.length - i);
    }
    return b.config(RouterConfig.of(1).withReroute(reroute)).build();
  }

  @Test
  void aFailingExpertIsReroutedToTheNextBestAndTheTraceSaysWhy() {
    var down = new TestExperts.Failing("down");
    var up = new TestExperts.Constant("up", Value.text("ok"), 0.9, 0, null);

    RouteResult res =
        router(Reroute.ofDefaults(), down, up)
            .route(InputData.text("go"), Context.of(Duration.ofSeconds(1)));

    assertThat(res.value()).isEqualTo(Value.text("ok"));
    assertThat(res.picked()).extracting(r -> r.name()).containsExactly("down", "up");
    assertThat(res.outcomes()).hasSize(2);
    assertThat(res.shrink()).contains("re-route 1: down failed -> up");
  }

  @Test
  void anAnswerBelowTheConfidenceFloorIsRerouted() {
    var unsure = new TestExperts.Constant("unsure", Value.none("no result"), 0.0, 0, null);
    var sure = new TestExperts.Constant("sure", Value.text("42"), 0.9, 0, null);

    RouteResult res =
        router(Reroute.ofDefaults(), unsure, sure)
            .route(InputData.text("go"), Context.of(Duration.ofSeconds(1)));

    assertThat(res.value()).isEqualTo(Value.text("42"));
    assertThat(res.shrink()).contains("unsure answered below the confidence floor 0.05");
  }

  @Test
  void reroutesStopAtTheirMaximum() {
    var a = new TestExperts.Failing("a");
    var b = new TestExperts.Failing("b");
    var c = new TestExperts.Failing("c");
    var d = new TestExperts.Constant("d", Value.text("late"), 0.9, 0, null);

    assertThatThrownBy(
            () ->
                router(new Reroute(2, 0.05), a, b, c, d)
                    .route(InputData.text("go"), Context.of(Duration.ofSeconds(1))))
        .isInstanceOf(MoeError.NoExpertAnswered.class)
        .hasMessageContaining("a failed")
        .hasMessageContaining("c failed");
    assertThat(d.calls.get()).isZero();
  }

  @Test
  void withReroutesOffAFailureEndsTheRequest() {
    var down = new TestExperts.Failing("down");
    var up = new TestExperts.Constant("up", Value.text("ok"), 0.9, 0, null);
    assertThatThrownBy(
            () ->
                router(Reroute.off(), down, up)
                    .route(InputData.text("go"), Context.of(Duration.ofSeconds(1))))
        .isInstanceOf(MoeError.NoExpertAnswered.class);
    assertThat(up.calls.get()).isZero();
  }

  @Test
  void anExpertThatCannotProcessTheInputIsReroutedLikeAnyFailure() {
    var math = new Throwing("math", new MoeError.Unprocessable("math: no expression found"));
    var other = new TestExperts.Constant("other", Value.text("light is fast"), 0.9, 0, null);

    RouteResult res =
        router(Reroute.ofDefaults(), math, other)
            .route(InputData.text("go"), Context.of(Duration.ofSeconds(1)));

    assertThat(res.value()).isEqualTo(Value.text("light is fast"));
    assertThat(res.shrink()).contains("re-route 1: math cannot process the input -> other");
  }

  @Test
  void whenEveryExpertTriedRejectsTheInputTheRequestIsUnprocessableNamingEachReason() {
    var math = new Throwing("math", new MoeError.Unprocessable("math: division by zero"));
    var tagger =
        new Throwing(
            "tagger",
            new MoeError.Unprocessable(
                "tagger: input of 150000 characters is over its limit max_input_chars 20000"));
    var third = new TestExperts.Constant("third", Value.text("?"), 0.9, 0, null);

    // One re-route at most: math, then tagger; the third is never reached.
    assertThatThrownBy(
            () ->
                router(new Reroute(1, 0.05), math, tagger, third)
                    .route(InputData.text("go 1/0"), Context.of(Duration.ofSeconds(1))))
        .isInstanceOf(MoeError.Unprocessable.class)
        .hasMessage(
            "unprocessable input: no expert of router 'main' could process it: math: division by"
                + " zero; tagger: input of 150000 characters is over its limit max_input_chars"
                + " 20000");
    assertThat(math.calls.get()).isEqualTo(1);
    assertThat(tagger.calls.get()).isEqualTo(1);
    assertThat(third.calls.get()).isZero();
  }

  @Test
  void aSingleExpertsRejectionComesBackAsItsOwnReason() {
    var math = new Throwing("math", new MoeError.Unprocessable("math: division by zero"));
    assertThatThrownBy(
            () ->
                router(Reroute.ofDefaults(), math)
                    .route(InputData.text("go 1/0"), Context.of(Duration.ofSeconds(1))))
        .isInstanceOf(MoeError.Unprocessable.class)
        .hasMessage("unprocessable input: math: division by zero");
  }

  @Test
  void anExpertThatCannotEncodeTheInputIsReroutedAndAloneIsTheClientsMistake() {
    var vision =
        new Throwing(
            "vision", new MoeError.EncodeError("vision: the message holds no image", null));
    var text = new TestExperts.Constant("text", Value.text("a text answer"), 0.9, 0, null);

    assertThat(
            router(Reroute.ofDefaults(), vision, text)
                .route(InputData.text("go"), Context.of(Duration.ofSeconds(1)))
                .value())
        .isEqualTo(Value.text("a text answer"));
    assertThatThrownBy(
            () ->
                router(Reroute.ofDefaults(), vision)
                    .route(InputData.text("go"), Context.of(Duration.ofSeconds(1))))
        .isInstanceOf(MoeError.Unprocessable.class)
        .hasMessage("unprocessable input: vision: the message holds no image");
  }

  @Test
  void aRejectionBesideAServerSideFailureIsNotTheClientsMistake() {
    var math = new Throwing("math", new MoeError.Unprocessable("math: division by zero"));
    var down = new TestExperts.Failing("down");
    assertThatThrownBy(
            () ->
                router(Reroute.ofDefaults(), math, down)
                    .route(InputData.text("go 1/0"), Context.of(Duration.ofSeconds(1))))
        .isInstanceOf(MoeError.NoExpertAnswered.class)
        .hasMessageContaining("math cannot process the input (math: division by zero)")
        .hasMessageContaining("down failed");
  }

  @Test
  void anExpertSkippedForItsPastGetsATrialCallAndServesAgainWhenItAnswers() {
    HandClock clock = new HandClock();
    var slow = new TestExperts.Constant("slow", Value.text("back"), 0.9, 0, null);
    var quick = new TestExperts.Constant("quick", Value.text("q"), 0.9, 0, null);
    KeywordRouter r = router(Reroute.off(), slow, quick);
    ExpertStats st = r.experts().stats(r.experts().byName("slow").orElseThrow().id());
    // It hung: dropped after 5 s, observed now.
    st.recordDrop(5_000);
    st.observedAt(clock.millis());
    Context.Builder ctx = Context.builder().budget(Duration.ofMillis(500)).clock(clock);

    // Just after: skipped for its expected latency, no trial yet (observed less than 1 s ago).
    RouteResult skipped = r.route(InputData.text("go"), ctx.build());
    assertThat(skipped.shrink()).contains("slow: time budget");
    assertThat(slow.calls.get()).isZero();

    // A second later: one trial call beside the pick that fits; it answers, so it is back.
    clock.advance(Duration.ofSeconds(1));
    RouteResult trial = r.route(InputData.text("go"), ctx.build());
    assertThat(trial.shrink()).contains("slow: trial call");
    assertThat(slow.calls.get()).isEqualTo(1);
    assertThat(st.expectedLatencyMs(clock.millis())).isLessThan(500);

    RouteResult normal = r.route(InputData.text("go"), ctx.build());
    assertThat(normal.picked()).extracting(x -> x.name()).containsExactly("slow");
    assertThat(normal.value()).isEqualTo(Value.text("back"));
  }

  @Test
  void trialCallsAreBoundedToOnePerSecondAndThePastDecays() {
    HandClock clock = new HandClock();
    var slow = new TestExperts.Hanging("slow");
    var quick = new TestExperts.Constant("quick", Value.text("q"), 0.9, 0, null);
    KeywordRouter r = router(Reroute.off(), slow, quick);
    ExpertStats st = r.experts().stats(r.experts().byName("slow").orElseThrow().id());
    st.recordDrop(5_000);
    st.observedAt(clock.millis());
    clock.advance(Duration.ofSeconds(2));

    assertThat(st.tryProbe(clock.millis(), ExpertStats.PROBE_INTERVAL_MS)).isTrue();
    assertThat(st.tryProbe(clock.millis(), ExpertStats.PROBE_INTERVAL_MS)).isFalse();
    clock.advance(Duration.ofMillis(999));
    assertThat(st.tryProbe(clock.millis(), ExpertStats.PROBE_INTERVAL_MS)).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(st.tryProbe(clock.millis(), ExpertStats.PROBE_INTERVAL_MS)).isTrue();

    // Without any call, 5 s decays below a 500 ms budget within four half-lives.
    double before = st.expectedLatencyMs(clock.millis());
    clock.advance(Duration.ofMillis(4 * ExpertStats.HALF_LIFE_MS));
    assertThat(st.expectedLatencyMs(clock.millis())).isLessThan(before / 15).isLessThan(500);
    // So a plain pick takes it again (a dry run: nothing is called).
    RoutePlan plan =
        r.preview(
            InputData.text("go"),
            Context.builder().budget(Duration.ofMillis(500)).clock(clock).build());
    assertThat(plan.picked()).extracting(x -> x.name()).containsExactly("slow");
    slow.release.countDown();
  }
}
