package io.himoe.engine;

import io.himoe.orchestrator.OrchestrationFeedback;
import io.himoe.orchestrator.Orchestrator;
import io.himoe.orchestrator.RouterRef;
import io.himoe.orchestrator.ShadowJudge;
import io.himoe.router.RouteResult;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.CpuMeter;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs the shadow routers of a request after its answer, off the critical path, and only when they
 * pass every gate, in this order: the request is in the sample (decided by its trace id, so the
 * same on every replica and run), enough of its budget is left, fewer than the most shadow runs per
 * second have started, the shadows are within their CPU share, a permit is free, and the executor
 * takes the run. A request that fails a gate has its shadows skipped: counted by reason in a {@link
 * EngineEvent.ShadowsSkipped} event, logged (rate-limited) when the cause is load rather than
 * configuration, and absent from its trace, which lists only the shadows actually scheduled.
 *
 * <p>The engine's own executor runs shadows on platform threads, so that their CPU time (their
 * expert calls' included) can be measured and charged to the {@link ShadowCpuBudget}.
 */
final class ShadowRunner implements AutoCloseable {

  /** What {@link #schedule} decided; {@link #start} must be called once the answer is out. */
  interface Scheduled {
    /**
     * @return the shadows that will run (empty when skipped)
     */
    List<String> shadows();

    /** Lets the shadows run, or reports why they will not. */
    void start();
  }

  private static final Scheduled NONE =
      new Scheduled() {
        @Override
        public List<String> shadows() {
          return List.of();
        }

        @Override
        public void start() {}
      };

  private final Orchestrator orchestrator;
  private final Listeners listeners;
  private final RateLimitedLog log;
  private final double sampleRate;
  private final Duration minRemaining;
  private final ShadowRate rate;
  private final ShadowCpuBudget cpu;
  private final Semaphore permits;
  private final ExecutorService executor;
  private final boolean ownsExecutor;

  ShadowRunner(
      Orchestrator orchestrator,
      Listeners listeners,
      RateLimitedLog log,
      double sampleRate,
      Duration minRemaining,
      ShadowRate rate,
      ShadowCpuBudget cpu,
      int maxConcurrent,
      @Nullable ExecutorService executor) {
    this.orchestrator = orchestrator;
    this.listeners = listeners;
    this.log = log;
    this.sampleRate = sampleRate;
    this.minRemaining = minRemaining;
    this.rate = rate;
    this.cpu = cpu;
    this.permits = new Semaphore(maxConcurrent);
    this.ownsExecutor = executor == null;
    this.executor = executor == null ? platformPool(maxConcurrent) : executor;
  }

  // Threads are kept 30 s for the next shadows; there are never more than permits, so it never
  // refuses a run while open.
  private static ExecutorService platformPool(int max) {
    return new ThreadPoolExecutor(
        0,
        max,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        Thread.ofPlatform().daemon().name("himoe-shadow-", 0).factory());
  }

  /**
   * @param traceId a trace id
   * @param rate the sample rate in [0, 1]
   * @return whether a request with this trace id is in a sample of that rate: a stable hash of the
   *     id mapped to [0, 1) and compared with the rate
   */
  static boolean sampled(String traceId, double rate) {
    if (rate >= 1) {
      return true;
    }
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < traceId.length(); i++) {
      h = (h ^ traceId.charAt(i)) * 0x100000001b3L;
    }
    // MurmurHash3's finaliser spreads FNV's low-entropy high bits.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    double u = (h >>> 11) * 0x1.0p-53;
    return u < rate;
  }

  /**
   * The shadows a request would get, judged by the gates known before it runs (sample and budget).
   */
  List<String> wouldRun(InputData input, Context ctx, RouterRef primary) {
    List<RouterRef> shadows = orchestrator.shadows(input, primary);
    if (shadows.isEmpty()
        || !sampled(ctx.traceId(), sampleRate)
        || ctx.remaining().compareTo(minRemaining) <= 0) {
      return List.of();
    }
    return ids(shadows);
  }

  /**
   * Decides whether the request's shadows run and, if so, hands them to the executor, held until
   * {@link Scheduled#start()} so that no shadow reports before its request's answer.
   */
  Scheduled schedule(InputData input, Context ctx, RouterRef primary, RouteResult primaryResult) {
    List<RouterRef> shadows = orchestrator.shadows(input, primary);
    if (shadows.isEmpty()) {
      return NONE;
    }
    String traceId = ctx.traceId();
    if (!sampled(traceId, sampleRate)) {
      return skipped(traceId, primary, shadows, EngineEvent.SkipReason.SAMPLED_OUT);
    }
    if (ctx.remaining().compareTo(minRemaining) <= 0) {
      return skipped(traceId, primary, shadows, EngineEvent.SkipReason.LOW_BUDGET);
    }
    if (!rate.tryAcquire()) {
      return skipped(traceId, primary, shadows, EngineEvent.SkipReason.RATE);
    }
    if (!cpu.tryAdmit()) {
      return skipped(traceId, primary, shadows, EngineEvent.SkipReason.CPU_SHARE);
    }
    if (!permits.tryAcquire()) {
      // Shadows are optional; under load they are skipped rather than queued behind answers.
      return skipped(traceId, primary, shadows, EngineEvent.SkipReason.NO_PERMIT);
    }
    // Same deadline, trace and cost budget; a cancel of the request after its answer must not
    // cut the comparison short, so the shadows get their own token.
    Context shadowCtx = ctx.withCancel(CancelToken.create()).withoutTokens();
    Held held =
        new Held(() -> runMeasured(input, shadowCtx, primary, primaryResult, shadows), permits);
    try {
      executor.execute(held);
    } catch (RuntimeException refused) {
      permits.release();
      return skipped(traceId, primary, shadows, EngineEvent.SkipReason.EXECUTOR_REFUSED);
    }
    List<String> ids = ids(shadows);
    return new Scheduled() {
      @Override
      public List<String> shadows() {
        return ids;
      }

      @Override
      public void start() {
        held.release();
      }
    };
  }

  private Scheduled skipped(
      String traceId, RouterRef primary, List<RouterRef> shadows, EngineEvent.SkipReason reason) {
    EngineEvent.ShadowsSkipped event =
        new EngineEvent.ShadowsSkipped(traceId, primary.id(), ids(shadows), reason);
    return new Scheduled() {
      @Override
      public List<String> shadows() {
        return List.of();
      }

      @Override
      public void start() {
        report(event);
        listeners.emit(event);
      }
    };
  }

  // Skips caused by load are worth a line (rate-limited); those by configuration are only counted.
  private void report(EngineEvent.ShadowsSkipped e) {
    switch (e.reason()) {
      case NO_PERMIT, EXECUTOR_REFUSED ->
          log.warn(
              "shadow-skip:" + e.reason(),
              () ->
                  "shadows "
                      + e.shadows()
                      + " of trace "
                      + e.traceId()
                      + " skipped: "
                      + e.reason()
                      + " (shadow runs in flight at their limit, or the executor refused; see"
                      + " himoe_shadow_skipped_total)",
              null);
      case SAMPLED_OUT, LOW_BUDGET, RATE, CPU_SHARE -> {}
    }
  }

  private static List<String> ids(List<RouterRef> shadows) {
    List<String> ids = new ArrayList<>(shadows.size());
    for (RouterRef s : shadows) {
      ids.add(s.id());
    }
    return List.copyOf(ids);
  }

  private void runMeasured(
      InputData input,
      Context ctx,
      RouterRef primary,
      RouteResult primaryResult,
      List<RouterRef> shadows) {
    CpuMeter meter = new CpuMeter();
    try {
      meter.measure(
          () -> {
            run(input, ctx, primary, primaryResult, shadows);
            return null;
          });
    } catch (RuntimeException e) {
      log.warn(
          "shadow-run:" + e.getClass().getName(),
          () -> "shadow run of trace " + ctx.traceId() + " failed after its comparisons",
          e);
    } finally {
      cpu.charge(meter.nanos());
    }
  }

  private void run(
      InputData input,
      Context ctx,
      RouterRef primary,
      RouteResult primaryResult,
      List<RouterRef> shadows) {
    ShadowJudge judge = orchestrator.shadowJudge();
    List<String> compared = new ArrayList<>();
    Optional<String> better = Optional.empty();
    StringBuilder notes = new StringBuilder();
    for (RouterRef s : shadows) {
      long t0 = System.nanoTime();
      ShadowReport report;
      try {
        RouteResult r = s.router().route(input, ctx);
        boolean won = judge.shadowBetter(primaryResult, r);
        compared.add(s.id());
        if (won && better.isEmpty()) {
          better = Optional.of(s.id());
        }
        report =
            new ShadowReport(
                ctx.traceId(),
                primary.id(),
                s.id(),
                Optional.of(r.value().render()),
                Optional.empty(),
                won,
                (System.nanoTime() - t0) / 1_000_000);
      } catch (RuntimeException e) {
        notes.append("shadow ").append(s.id()).append(" failed: ").append(e.getMessage());
        notes.append("; ");
        report =
            new ShadowReport(
                ctx.traceId(),
                primary.id(),
                s.id(),
                Optional.empty(),
                Optional.of(String.valueOf(e.getMessage())),
                false,
                (System.nanoTime() - t0) / 1_000_000);
      }
      listeners.emit(new EngineEvent.ShadowRan(report));
    }
    orchestrator.feedback(
        new OrchestrationFeedback(
            ctx.traceId(),
            primary.id(),
            compared,
            better,
            OptionalDouble.empty(),
            notes.isEmpty() ? Optional.empty() : Optional.of(notes.toString())));
  }

  /**
   * A shadow run handed to the executor but held until its request's answer is out. On an executor
   * that runs tasks on the caller's thread (a direct executor), it runs when released instead.
   */
  private static final class Held implements Runnable {
    private final Runnable work;
    private final Semaphore permits;
    private final Thread requester = Thread.currentThread();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean deferred;

    Held(Runnable work, Semaphore permits) {
      this.work = work;
      this.permits = permits;
    }

    @Override
    public void run() {
      if (Thread.currentThread() == requester && released.getCount() > 0) {
        deferred = true;
        return;
      }
      try {
        released.await();
      } catch (InterruptedException e) {
        // The executor is shutting down: the run is abandoned.
        permits.release();
        Thread.currentThread().interrupt();
        return;
      }
      runAndRelease();
    }

    void release() {
      released.countDown();
      if (deferred) {
        runAndRelease();
      }
    }

    private void runAndRelease() {
      try {
        work.run();
      } finally {
        permits.release();
      }
    }
  }

  /**
   * Stops the engine's own executor from taking new runs (a supplied one is left to its owner).
   * Runs in flight finish on their own: each is bounded by its request's deadline.
   */
  @Override
  public void close() {
    if (ownsExecutor) {
      executor.shutdown();
    }
  }
}
