package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.KeywordRouter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Work measured by a meter has its expert calls on platform threads, whose CPU time it counts. */
class CpuMeterTest {

  /** Burns 30 ms of its own thread's CPU time (or answers at once when that cannot be read). */
  static final class Burner implements Expert {
    final AtomicBoolean ranOnVirtualThread = new AtomicBoolean();

    @Override
    public String name() {
      return "burner";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      ranOnVirtualThread.set(Thread.currentThread().isVirtual());
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      if (!Thread.currentThread().isVirtual()) {
        long end = mx.getCurrentThreadCpuTime() + 30_000_000L;
        double x = 0;
        while (mx.getCurrentThreadCpuTime() < end) {
          x += Math.sqrt(x + 1);
        }
      }
      return ExpertOut.of(Value.text("burnt"), 0, 0.9);
    }
  }

  @Test
  void expertCallsUnderAMeterRunOnPlatformThreadsAndAreCounted() {
    Burner burner = new Burner();
    KeywordRouter router = KeywordRouter.builder("r", ExpertRegistry.of(burner)).build();
    CpuMeter meter = new CpuMeter();
    assertThat(CpuMeter.current()).isNull();
    String answer =
        meter.measure(
            () -> {
              assertThat(CpuMeter.current()).isSameAs(meter);
              return router
                  .route(InputData.text("burn"), Context.of(Duration.ofSeconds(30)))
                  .value()
                  .render();
            });
    assertThat(answer).isEqualTo("burnt");
    assertThat(burner.ranOnVirtualThread).isFalse();
    assertThat(meter.nanos()).isGreaterThanOrEqualTo(30_000_000L);

    // Unmetered (the request path), the call runs on a virtual thread as before.
    router.route(InputData.text("burn"), Context.of(Duration.ofSeconds(30)));
    assertThat(burner.ranOnVirtualThread).isTrue();
  }

  /** Records the thread of each call and whether it started interrupted. */
  static final class Recorder implements Expert {
    final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicBoolean startedInterrupted = new AtomicBoolean();

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      threads.add(Thread.currentThread().getName());
      if (Thread.currentThread().isInterrupted()) {
        startedInterrupted.set(true);
      }
      return ExpertOut.of(Value.text("ok"), 0, 0.9);
    }
  }

  /**
   * Runs until its thread is interrupted (dropped at the deadline), then returns with the interrupt
   * still set: the pooled thread must not carry it into its next call.
   */
  static final class Stubborn implements Expert {
    @Override
    public String name() {
      return "stubborn";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      long end = System.nanoTime() + 10_000_000_000L;
      while (!Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      return ExpertOut.of(Value.text("late"), 0, 0.9);
    }
  }

  @Test
  void meteredCallsReusePooledThreadsThatCarryNoInterruptFromADroppedCall() {
    Recorder recorder = new Recorder();
    KeywordRouter quick = KeywordRouter.builder("q", ExpertRegistry.of(recorder)).build();
    CpuMeter meter = new CpuMeter();
    for (int i = 0; i < 5; i++) {
      // A fresh registry each time: one that saw the expert late would no longer call it.
      KeywordRouter slow = KeywordRouter.builder("s", ExpertRegistry.of(new Stubborn())).build();
      // Dropped at its 300 ms deadline while it runs: its pooled thread is interrupted then.
      MoeError e =
          catchThrowableOfType(
              MoeError.class,
              () ->
                  meter.measure(
                      () -> slow.route(InputData.text("x"), Context.of(Duration.ofMillis(300)))));
      assertThat(e.misses()).as("%s", e).anyMatch(MoeError.ExpertMiss::dropped);
      for (int j = 0; j < 4; j++) {
        meter.measure(() -> quick.route(InputData.text("x"), Context.of(Duration.ofSeconds(30))));
      }
    }
    assertThat(recorder.startedInterrupted).isFalse();
    assertThat(recorder.threads).allMatch(n -> n.startsWith("himoe-metered-expert-"));
    // 20 calls one after another: a thread per call would give 20 names.
    assertThat(recorder.threads.size()).isLessThan(10);
  }

  @Test
  void liveNanosCountsWorkStillRunningOnAPlatformThread() throws Exception {
    CpuMeter meter = new CpuMeter(new CpuBudget(10, "budgets.cpu_ms"));
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    CpuMeter.startCall(
        () -> {
          meter.measure(
              () -> {
                double x = 0;
                while (!stop.get()) {
                  x += Math.sqrt(x + 1);
                }
                return x;
              });
          ended.countDown();
        });
    try {
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (meter.liveNanos() < 20_000_000L && System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      // Seen while the work still runs: nothing has been added at its end yet.
      assertThat(meter.liveNanos()).isGreaterThanOrEqualTo(20_000_000L);
      assertThat(meter.nanos()).isZero();
      assertThat(meter.runningThreads()).isEqualTo(1);
    } finally {
      stop.set(true);
      ended.await();
    }
    assertThat(meter.runningThreads()).isZero();
    assertThat(meter.nanos()).isGreaterThanOrEqualTo(20_000_000L);
    // Bound on this thread, the spent budget stops work at its next boundary.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                meter.measure(
                    () -> {
                      CpuMeter.checkBudget("gate");
                      return null;
                    }))
        .isInstanceOf(MoeError.CpuBudgetExceeded.class)
        .hasMessageContaining("budgets.cpu_ms = 10 ms (stopped at gate)");
  }
}
