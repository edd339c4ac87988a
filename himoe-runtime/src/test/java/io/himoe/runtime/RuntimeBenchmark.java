package io.himoe.runtime;

import io.himoe.engine.Engine;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.router.Router;
import io.himoe.runtime.complexity.ComplexityAssessor;
import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.device.DeviceProbe;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.integration.ModeCappedRouter;
import io.himoe.runtime.integration.RuntimeExpert;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.runtime.mode.ModeMatrix;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Overhead of the runtime on the request path, measured JMH-style by hand (warm-up, then several
 * timed iterations; the median wall time and the median thread CPU time per call are reported — the
 * CPU time is what the call costs when the machine is shared). Run after {@code ./mvnw -pl
 * himoe-runtime verify}:
 *
 * <pre>
 * java -cp himoe-runtime/target/classes:himoe-runtime/target/test-classes:$(cat cp.txt) \
 *     io.himoe.runtime.RuntimeBenchmark
 * </pre>
 *
 * (see docs/runtime.md for the classpath). Not a unit test: it asserts nothing and is not run by
 * the build.
 */
public final class RuntimeBenchmark {

  private static volatile long sink;

  private RuntimeBenchmark() {}

  /**
   * @param args ignored
   * @throws Exception if a benchmark fails
   */
  public static void main(String[] args) throws Exception {
    String shortPrompt = "What is a monad?";
    String longPrompt =
        "Debug this function step by step and prove why the SQL query fails after 3 retries; "
            + "it must be secure and efficient, without using a new library. Pourquoi cet "
            + "algorithme est-il lent ? Explique étape par étape.";
    DeviceStatus status = DeviceProbe.linux().read();
    ModeMatrix matrix = ModeMatrix.ofDefaults();
    ComplexityAssessor rules = ComplexityAssessor.ofDefaults();
    RuntimeManager rt =
        RuntimeManager.builder()
            .probe(DeviceProbe.linux().cached(Duration.ofMillis(250), InstantSource.system()))
            .build();
    DeviceProbe uncached = DeviceProbe.linux();
    MemoryPool pool = new MemoryPool("bench", 1L << 30);

    System.out.printf(
        Locale.ROOT,
        "JDK %s, %d cpus%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    run(
        "mode matrix decide",
        () -> sink += matrix.decide(ComplexityLevel.HIGH, status).mode().ordinal());
    run(
        "complexity assess (4 words)",
        () -> sink += (long) (rules.assess(shortPrompt).score() * 100));
    run(
        "complexity assess (45 words)",
        () -> sink += (long) (rules.assess(longPrompt).score() * 100));
    run(
        "runtime decide (4 words, cached probe)",
        () -> sink += rt.decide(shortPrompt).mode().ordinal());
    run(
        "runtime decide (45 words, cached probe)",
        () -> sink += rt.decide(longPrompt).mode().ordinal());
    run(
        "device probe read (uncached sysfs/proc)",
        () -> sink += uncached.read().cpu().processors());
    run(
        "pool acquire+close (1 thread)",
        () -> {
          try (var l = pool.acquire(4096, Duration.ZERO)) {
            sink += l.bytes();
          }
        });
    contended(pool);
    enginePath(rt, shortPrompt);
  }

  // The same one-expert engine with and without the runtime's router and expert decorators.
  private static void enginePath(RuntimeManager rt, String prompt) throws Exception {
    Expert echo =
        new Expert() {
          @Override
          public String name() {
            return "echo";
          }

          @Override
          public ExpertOut infer(InputData input, Context ctx) {
            return ExpertOut.of(Value.text(input.toText()), 0, 1);
          }
        };
    Router plain = KeywordRouter.builder("main", ExpertRegistry.of(echo)).build();
    Router wrapped =
        ModeCappedRouter.wrap(
            KeywordRouter.builder("main", ExpertRegistry.of(RuntimeExpert.wrap(echo, rt))).build(),
            rt);
    for (Router r : new Router[] {plain, wrapped, plain, wrapped}) {
      try (Engine engine =
          Engine.builder(RuleOrchestrator.builder().router(r).defaultRouter("main").build())
              .build()) {
        String label = r == plain ? "engine.ask, plain" : "engine.ask, with runtime";
        // A new text each time, so that the response cache cannot answer.
        long[] n = {0};
        run(label, () -> sink += engine.ask(prompt + " " + n[0]++).traceId().length(), 2_000);
      }
    }
  }

  private interface Op {
    void run() throws Exception;
  }

  private static void run(String name, Op op) throws Exception {
    run(name, op, 20_000);
  }

  private static void run(String name, Op op, int batch) throws Exception {
    for (int i = 0; i < 10; i++) {
      time(op, batch);
    }
    List<double[]> ns = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      ns.add(time(op, batch));
    }
    // On a loaded machine wall time includes time the thread was descheduled; CPU time does not.
    ns.sort((a, b) -> Double.compare(a[0], b[0]));
    double wall = ns.get(ns.size() / 2)[0];
    ns.sort((a, b) -> Double.compare(a[1], b[1]));
    double cpu = ns.get(ns.size() / 2)[1];
    System.out.printf(
        Locale.ROOT, "%-45s median wall %8.0f ns/op, thread cpu %8.0f ns/op%n", name, wall, cpu);
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static double[] time(Op op, int n) throws Exception {
    long c0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    long t1 = System.nanoTime();
    long c1 = THREADS.getCurrentThreadCpuTime();
    return new double[] {(t1 - t0) / (double) n, (c1 - c0) / (double) n};
  }

  private static void contended(MemoryPool pool) throws Exception {
    int threads = 4;
    int per = 200_000;
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      try (var exec = Executors.newFixedThreadPool(threads)) {
        List<Future<Long>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Callable<Long> c =
              () -> {
                long s = 0;
                for (int i = 0; i < per; i++) {
                  try (var l = pool.acquire(4096, Duration.ofSeconds(1))) {
                    s += l.bytes();
                  }
                }
                return s;
              };
          fs.add(exec.submit(c));
        }
        for (var f : fs) {
          sink += f.get();
        }
      }
      double ns = (System.nanoTime() - t0) / (double) (threads * per);
      System.out.printf(
          Locale.ROOT,
          "%-45s round %d: %6.0f ns/op (%d threads, used after: %d bytes)%n",
          "pool acquire+close (contended)",
          round,
          ns,
          threads,
          pool.usedBytes());
    }
  }
}
