package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.StreamingExpert;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A streaming request's single streaming pick runs on the request's own thread, and is still
 * dropped at the deadline and on cancel, as a call on its own thread is.
 */
class InlineStreamTest {

  /** Streams one token, then either finishes or waits (interruptibly, or ignoring interrupts). */
  static final class OneThenWait implements StreamingExpert {
    final boolean waits;
    final boolean ignoresInterrupts;
    final AtomicReference<Thread> thread = new AtomicReference<>();
    final AtomicBoolean tokenCancelled = new AtomicBoolean();
    final CountDownLatch firstSent = new CountDownLatch(1);

    OneThenWait(boolean waits, boolean ignoresInterrupts) {
      this.waits = waits;
      this.ignoresInterrupts = ignoresInterrupts;
    }

    @Override
    public String name() {
      return "story";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      return ExpertOut.of(Value.text("whole"), 0, 0.9);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener)
        throws InterruptedException {
      thread.set(Thread.currentThread());
      listener.onToken("once ");
      firstSent.countDown();
      if (waits) {
        if (ignoresInterrupts) {
          // Honours only its cancel token, as a model whose client we control does.
          while (!ctx.cancel().isCancelled()) {
            Thread.onSpinWait();
          }
          tokenCancelled.set(true);
        } else {
          new CountDownLatch(1).await(10, TimeUnit.SECONDS);
        }
        listener.onToken("late ");
      }
      listener.onToken("upon");
      return ExpertOut.of(Value.text("once upon"), 0, 0.9);
    }
  }

  private static KeywordRouter router(StreamingExpert e) {
    return KeywordRouter.builder("main", ExpertRegistry.of(e))
        .keyword(e.name(), "story", 1)
        .config(RouterConfig.of(1))
        .build();
  }

  private static Context streaming(long ms, List<String> sink) {
    return Context.builder().budget(Duration.ofMillis(ms)).build().withTokens(sink::add);
  }

  @Test
  void theStreamRunsOnTheCallersThreadAndAnswers() {
    OneThenWait e = new OneThenWait(false, false);
    List<String> got = new CopyOnWriteArrayList<>();
    RouteResult r = router(e).route(InputData.text("a story"), streaming(5_000, got));
    assertThat(e.thread.get()).isSameAs(Thread.currentThread());
    assertThat(got).containsExactly("once ", "upon");
    assertThat(r.outcomes()).singleElement().isInstanceOf(ExpertOutcome.Answered.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void theDeadlineDropsAStreamMidWayAndLeavesTheCallerUninterrupted() {
    OneThenWait e = new OneThenWait(true, false);
    List<String> got = new CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> router(e).route(InputData.text("a story"), streaming(300, got)))
        .isInstanceOf(MoeError.class)
        .hasMessageContaining("story dropped (deadline)");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).isLessThan(5_000); // the expert's 10 s wait was interrupted
    assertThat(e.thread.get()).isSameAs(Thread.currentThread());
    assertThat(got).containsExactly("once ");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void cancellingTheRequestCancelsTheCallsTokenAndStopsItsTokens() throws Exception {
    OneThenWait e = new OneThenWait(true, true);
    List<String> got = new CopyOnWriteArrayList<>();
    Context ctx = streaming(30_000, got);
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread asker =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    router(e).route(InputData.text("story"), ctx);
                  } catch (RuntimeException x) {
                    error.set(x);
                  }
                });
    assertThat(e.firstSent.await(5, TimeUnit.SECONDS)).isTrue();
    ctx.cancel().cancel();
    asker.join(5_000);
    assertThat(asker.isAlive()).isFalse();
    assertThat(e.tokenCancelled).isTrue();
    assertThat(e.thread.get()).isSameAs(asker);
    assertThat(got).containsExactly("once ");
    assertThat(error.get())
        .isInstanceOf(MoeError.class)
        .hasMessageContaining("request cancelled at experts");
  }

  @Test
  void anInterruptFromElsewhereStaysSet() {
    OneThenWait e = new OneThenWait(false, false);
    List<String> got = new CopyOnWriteArrayList<>();
    Thread.currentThread().interrupt();
    try {
      router(e).route(InputData.text("a story"), streaming(5_000, got));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
