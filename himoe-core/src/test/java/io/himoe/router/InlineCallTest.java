package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRegistry;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.CpuBudget;
import io.himoe.shared.CpuMeter;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** A single pick of an expert that runs inline is called on the router's own thread. */
class InlineCallTest {

  /** Records the thread of each call; answers (or fails) by the given function. */
  static final class Recording implements Expert {
    final String name;
    final boolean inline;
    final BiFunction<InputData, Context, ExpertOut> answer;
    final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

    Recording(String name, boolean inline, BiFunction<InputData, Context, ExpertOut> answer) {
      this.name = name;
      this.inline = inline;
      this.answer = answer;
    }

    static Recording answering(String name, boolean inline, String text) {
      return new Recording(name, inline, (in, ctx) -> ExpertOut.of(Value.text(text), 0, 0.9));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean runsInline() {
      return inline;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      threads.add(Thread.currentThread());
      return answer.apply(input, ctx);
    }
  }

  private static KeywordRouter router(Expert... experts) {
    KeywordRouter.Builder b = KeywordRouter.builder("main", ExpertRegistry.of(experts));
    for (int i = 0; i < experts.length; i++) {
      b.keyword(experts[i].name(), "go", experts.length - i);
    }
    return b.config(RouterConfig.of(1).withReroute(Reroute.ofDefaults())).build();
  }

  @Test
  void anInlineExpertRunsOnTheCallersThreadAndOthersOnTheirOwn() {
    var inline = Recording.answering("inline", true, "42");
    RouteResult res = router(inline).route(InputData.text("go"), Context.of(Duration.ofSeconds(1)));
    assertThat(res.value()).isEqualTo(Value.text("42"));
    assertThat(inline.threads).containsExactly(Thread.currentThread());
    assertThat(res.outcomes()).singleElement().isInstanceOf(ExpertOutcome.Answered.class);

    var threaded = Recording.answering("threaded", false, "42");
    router(threaded).route(InputData.text("go"), Context.of(Duration.ofSeconds(1)));
    assertThat(threaded.threads).singleElement().isNotSameAs(Thread.currentThread());
  }

  @Test
  void aFailingInlineExpertIsStillReroutedAndTheTraceSaysWhy() {
    var down =
        new Recording(
            "down",
            true,
            (in, ctx) -> {
              throw new IllegalStateException("broken");
            });
    var up = Recording.answering("up", true, "ok");

    RouteResult res =
        router(down, up).route(InputData.text("go"), Context.of(Duration.ofSeconds(1)));

    assertThat(res.value()).isEqualTo(Value.text("ok"));
    assertThat(res.picked()).extracting(r -> r.name()).containsExactly("down", "up");
    assertThat(res.outcomes().getFirst()).isInstanceOf(ExpertOutcome.Failed.class);
    assertThat(res.shrink()).contains("re-route 1: down failed -> up");
    assertThat(down.threads).containsExactly(Thread.currentThread());
    assertThat(up.threads).containsExactly(Thread.currentThread());
  }

  /**
   * The parallel path's wait would have given up at the deadline and dropped the call; the inline
   * call cannot be abandoned, so its answer is judged when it returns: dropped for the deadline, as
   * the trace and the error say.
   */
  @Test
  void anAnswerThatReturnsAfterTheDeadlineIsDropped() {
    RerouteTest.HandClock clock = new RerouteTest.HandClock();
    var slow =
        new Recording(
            "slow",
            true,
            (in, ctx) -> {
              clock.advance(Duration.ofMillis(600)); // past the 500 ms deadline
              return ExpertOut.of(Value.text("late"), 0, 0.9);
            });
    var next = Recording.answering("next", true, "never called");
    Context ctx = Context.builder().budget(Duration.ofMillis(500)).clock(clock).build();
    assertThatThrownBy(() -> router(slow, next).route(InputData.text("go"), ctx))
        .isInstanceOf(MoeError.class)
        .hasMessageContaining("slow dropped (deadline)");
    assertThat(slow.threads).containsExactly(Thread.currentThread());
    assertThat(next.threads).isEmpty();
  }

  @Test
  void anInlineExpertSeesTheRequestsCancelAndAnAnswerAfterItIsDropped() {
    CancelToken request = CancelToken.create();
    var cancelled =
        new Recording(
            "inline",
            true,
            (in, ctx) -> {
              request.cancel(); // the client leaves while the expert works
              assertThat(ctx.cancel().isCancelled()).isTrue();
              return ExpertOut.of(Value.text("too late"), 0, 0.9);
            });
    Context ctx = Context.builder().budget(Duration.ofSeconds(1)).cancel(request).build();
    assertThatThrownBy(() -> router(cancelled).route(InputData.text("go"), ctx))
        .isInstanceOf(MoeError.class)
        .hasMessageContaining("request cancelled at experts");
    assertThat(cancelled.threads).containsExactly(Thread.currentThread());
  }

  @Test
  void underACpuMeterAnInlineExpertStillRunsOnAMeteredThread() {
    var inline = Recording.answering("inline", true, "42");
    CpuMeter meter = new CpuMeter(new CpuBudget(10_000, "test"));
    RouteResult res =
        meter.measure(
            () -> router(inline).route(InputData.text("go"), Context.of(Duration.ofSeconds(1))));
    assertThat(res.value()).isEqualTo(Value.text("42"));
    assertThat(inline.threads).singleElement().isNotSameAs(Thread.currentThread());
  }

  @Test
  void underAMeterWithoutBudgetOnItsThreadAnInlineExpertRunsThereAndIsCounted() {
    // A shadow run: measured on a platform thread, no budget. The expert burns 20 ms of its
    // thread's CPU; the meter must count them although no metered thread ran the call.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var burning =
        new Recording(
            "burning",
            true,
            (in, ctx) -> {
              long until = threads.getCurrentThreadCpuTime() + 20_000_000L;
              long spins = 0;
              while (threads.getCurrentThreadCpuTime() < until) {
                spins++;
              }
              return ExpertOut.of(Value.text(Long.toString(spins > 0 ? 42 : 0)), 0, 0.9);
            });
    CpuMeter meter = new CpuMeter();
    RouteResult res =
        meter.measure(
            () -> router(burning).route(InputData.text("go"), Context.of(Duration.ofSeconds(5))));
    assertThat(res.value()).isEqualTo(Value.text("42"));
    assertThat(burning.threads).containsExactly(Thread.currentThread());
    assertThat(meter.nanos()).isGreaterThanOrEqualTo(20_000_000L);
  }
}
