package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.shared.Context;
import io.himoe.shared.CpuBudget;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuBudgetTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * Burns CPU until its call is cancelled (checking its token, as a cooperative expert does) or it
   * has spent {@link #CAP_NANOS}; records the CPU time its thread spent and whether a cancel
   * stopped it.
   */
  static final class Burner implements Expert {
    static final long CAP_NANOS = 5_000_000_000L;
    final CountDownLatch stopped = new CountDownLatch(1);
    final AtomicLong cpuNanos = new AtomicLong(-1);
    volatile boolean byCancel;
    volatile boolean onPlatformThread;

    @Override
    public String name() {
      return "burner";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      onPlatformThread = !Thread.currentThread().isVirtual();
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      long x = 0;
      try {
        while (THREADS.getCurrentThreadCpuTime() - cpu0 < CAP_NANOS) {
          for (int i = 0; i < 10_000; i++) {
            x = x * 6364136223846793005L + i;
          }
          if (ctx.cancel().isCancelled()) {
            byCancel = true;
            throw new MoeError.Cancelled("burner");
          }
        }
        return ExpertOut.of(Value.text("burnt " + x), 0, 0.9);
      } finally {
        cpuNanos.set(THREADS.getCurrentThreadCpuTime() - cpu0);
        stopped.countDown();
      }
    }
  }

  private static Engine engine(Expert... experts) {
    return Engine.builder(
            RuleOrchestrator.builder()
                .router(KeywordRouter.builder("main", ExpertRegistry.of(experts)).topK(1).build())
                .build())
        .build();
  }

  private static Context ctx(long cpuMs) {
    return Context.builder()
        .budget(Duration.ofSeconds(30))
        .cpuBudget(new CpuBudget(cpuMs, "budgets.cpu_ms"))
        .build();
  }

  @Test
  void aRequestOverItsCpuBudgetIsRefusedNamingTheLimitAndItsExpertIsStopped() throws Exception {
    Burner burner = new Burner();
    try (Engine e = engine(burner)) {
      assertThatThrownBy(() -> e.ask(InputData.text("burn"), ctx(50)))
          .isInstanceOfSatisfying(
              MoeError.CpuBudgetExceeded.class,
              x -> {
                assertThat(x.limit()).isEqualTo("budgets.cpu_ms");
                assertThat(x.limitMs()).isEqualTo(50);
                assertThat(x.usedMs()).isGreaterThanOrEqualTo(50);
                assertThat(x.code()).isEqualTo("cpu_budget_exceeded");
                assertThat(x.getMessage()).contains("over budgets.cpu_ms = 50 ms");
              });
      // The refusal cancelled the expert's call: it stopped long before its own 5 s cap.
      assertThat(burner.stopped.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(burner.byCancel).isTrue();
      assertThat(burner.cpuNanos.get()).isLessThan(Burner.CAP_NANOS);
      assertThat(burner.onPlatformThread).as("metered calls run on platform threads").isTrue();
    }
  }

  /** Records whether it ran on a platform thread. */
  static final class Where implements Expert {
    volatile boolean onPlatformThread;

    @Override
    public String name() {
      return "where";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      onPlatformThread = !Thread.currentThread().isVirtual();
      return ExpertOut.of(Value.text("here"), 0, 0.9);
    }
  }

  @Test
  void onlyARequestWithABudgetIsMeteredOnPlatformThreads() {
    Where where = new Where();
    try (Engine e = engine(where)) {
      Context unmetered = Context.builder().budget(Duration.ofSeconds(30)).build();
      assertThat(e.ask(InputData.text("x"), unmetered).value().asText()).contains("here");
      assertThat(where.onPlatformThread).isFalse();
      assertThat(e.ask(InputData.text("x"), ctx(2_000)).value().asText()).contains("here");
      assertThat(where.onPlatformThread).isTrue();
    }
  }

  @Test
  void aCheapRequestUnderItsBudgetIsAnswered() {
    try (Engine e = engine(TestExperts.Constant.of("cheap", "fine"))) {
      Answer a = e.ask(InputData.text("anything"), ctx(2_000));
      assertThat(a.value().asText()).contains("fine");
    }
  }
}
