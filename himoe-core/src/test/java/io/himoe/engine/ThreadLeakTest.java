package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Thousands of requests against experts that hang until interrupted: every call must end, the
 * in-flight counters must return to zero and the live platform thread count to its baseline.
 */
class ThreadLeakTest {

  @Test
  void hangingExpertsLeaveNoThreadBehind() throws Exception {
    var hang1 = new TestExperts.Hanging("hang-1");
    var hang2 = new TestExperts.Hanging("hang-2");
    var fast = TestExperts.Constant.of("fast", "ok");
    ExpertRegistry reg = ExpertRegistry.of(hang1, hang2, fast);
    KeywordRouter router = KeywordRouter.builder("main", reg).topK(3).build();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    AtomicInteger answered = new AtomicInteger();
    try (Engine engine =
        Engine.builder(RuleOrchestrator.builder().router(router).build()).build()) {
      // Warm up the virtual-thread scheduler so its carrier threads count in the baseline.
      engine.ask(InputData.text("warm"), Context.of(Duration.ofMillis(200)));
      int baseline = mx.getThreadCount();
      int requests = 3_000;
      try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          fs.add(
              callers.submit(
                  () -> {
                    // The parallel-call stage itself, without the budget shrink (which would
                    // soon stop calling experts it has seen hang).
                    var outcomes =
                        router.callExperts(
                            reg.list(), InputData.text("q"), Context.of(Duration.ofMillis(2)));
                    if (outcomes.get(2) instanceof ExpertOutcome.Answered) {
                      answered.incrementAndGet();
                    }
                  }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      }
      // On 2 cores under this load the quick expert occasionally misses a 2 ms deadline too.
      assertThat(answered.get()).isGreaterThan(requests / 2);
      EngineTest.waitUntil(() -> hang1.running.get() == 0 && hang2.running.get() == 0);
      for (var ref : reg.list()) {
        EngineTest.waitUntil(() -> reg.stats(ref.id()).inFlight() == 0);
      }
      assertThat(hang1.interrupted.get() + hang2.interrupted.get()).isEqualTo(2 * (requests + 1));
      // The callers' pool is closed; what remains is the baseline (a few JVM threads may come and
      // go, such as a JIT compiler thread, hence a small allowance).
      EngineTest.waitUntil(() -> mx.getThreadCount() <= baseline + 2);
    }
  }
}
