package io.himoe.runtime;

import io.himoe.runtime.complexity.ComplexityAssessor;
import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.device.DeviceProbe;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.runtime.mode.ModeMatrix;
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
 * timed iterations; the median is reported). Run after {@code ./mvnw -pl himoe-runtime verify}:
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
  }

  private interface Op {
    void run() throws Exception;
  }

  private static void run(String name, Op op) throws Exception {
    int batch = 20_000;
    for (int i = 0; i < 10; i++) {
      time(op, batch);
    }
    List<Double> ns = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      ns.add(time(op, batch));
    }
    ns.sort(Double::compare);
    System.out.printf(
        Locale.ROOT,
        "%-45s median %8.0f ns/op  (min %.0f, max %.0f)%n",
        name,
        ns.get(ns.size() / 2),
        ns.getFirst(),
        ns.getLast());
  }

  private static double time(Op op, int n) throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    return (System.nanoTime() - t0) / (double) n;
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
