package io.himoe.engine;

import io.himoe.orchestrator.Orchestrator;
import io.himoe.orchestrator.RouterRef;
import io.himoe.router.RoutePlan;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The single entry point (seed 001 §5). {@link #ask} runs the request pipeline (choose router,
 * route, further stages, synthesis), answers with a {@link DecisionTrace}, keeps the decision for
 * later {@link #feedback} and hands the shadow routers to the shadow runner, which runs them after
 * the answer when they pass its gates (sample rate, remaining budget, CPU share, permits); they
 * never change or delay the answer. Observers get {@link EngineEvent}s.
 *
 * <p>Thread-safe; one engine serves any number of concurrent requests. Close it to stop its shadow
 * executor.
 */
public final class Engine implements AutoCloseable {

  private final Orchestrator orchestrator;
  private final InstantSource clock;
  private final Duration defaultBudget;
  private final Listeners listeners;
  private final RequestPipeline pipeline;
  private final ShadowRunner shadows;
  private final DecisionStore decisions;
  private final FeedbackTrainer trainer;

  private Engine(Builder b) {
    this.orchestrator = b.orchestrator;
    this.clock = b.clock;
    this.defaultBudget = b.defaultBudget;
    RateLimitedLog log =
        new RateLimitedLog(LoggerFactory.getLogger(Engine.class), b.clock, Duration.ofMinutes(1));
    this.listeners = new Listeners(b.listeners, log);
    this.pipeline = new RequestPipeline(b.orchestrator, b.maxStageRounds, b.onStepFailure);
    this.shadows =
        new ShadowRunner(
            b.orchestrator,
            listeners,
            log,
            b.shadowSampleRate,
            b.shadowMinRemaining,
            new ShadowRate(b.shadowMaxPerSecond, b.clock),
            new ShadowCpuBudget(b.shadowCpuShare, b.shadowCpuBurstNanos, b.processCpuNanos),
            b.maxConcurrentShadows,
            b.shadowExecutor);
    this.decisions =
        new DecisionStore(b.decisionCapacity, b.decisionMaxBytes, b.decisionTtl, b.clock);
    this.trainer = new FeedbackTrainer(b.orchestrator, listeners, log);
  }

  /**
   * @param orchestrator the orchestrator
   * @return a builder with the defaults documented on each of its methods
   */
  public static Builder builder(Orchestrator orchestrator) {
    return new Builder(orchestrator);
  }

  /**
   * @return the orchestrator
   */
  public Orchestrator orchestrator() {
    return orchestrator;
  }

  /**
   * @param listener an observer of every later event
   */
  public void addListener(EngineListener listener) {
    listeners.add(listener);
  }

  /**
   * Answers a text with the default budget and a fresh trace id.
   *
   * @param text the request
   * @return the answer
   */
  public Answer ask(String text) {
    return ask(InputData.text(text), newContext());
  }

  /**
   * @return a fresh context with the default budget, on the engine's clock
   */
  public Context newContext() {
    return Context.builder().budget(defaultBudget).clock(clock).build();
  }

  /**
   * Answers one request.
   *
   * @param input the request
   * @param ctx its context (deadline, cost budget, trace id, cancel)
   * @return the answer and its decision trace
   * @throws MoeError when no expert could answer, the deadline or budget ran out, or it was
   *     cancelled
   */
  public Answer ask(InputData input, Context ctx) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(ctx, "ctx");
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    RequestPipeline.Routed routed;
    try {
      // Under a CPU budget the pipeline runs metered and is stopped when the budget is spent.
      routed = CpuBudgetedRun.run(ctx, c -> pipeline.run(input, c));
    } catch (MoeError e) {
      listeners.emit(new EngineEvent.Failed(input, ctx.traceId(), e));
      throw e;
    }
    ShadowRunner.Scheduled scheduled =
        shadows.schedule(input, ctx, routed.primary(), routed.results().getFirst());
    try {
      DecisionTrace trace =
          Traces.decision(
              ctx.traceId(),
              routed,
              started,
              (System.nanoTime() - t0) / 1_000_000,
              scheduled.shadows());
      decisions.put(
          ctx.traceId(), Decision.of(routed.primary().id(), routed.results(), routed.routers()));
      Answer answer = new Answer(routed.value(), trace);
      listeners.emit(new EngineEvent.Answered(input, answer));
      return answer;
    } finally {
      scheduled.start();
    }
  }

  /**
   * The decision alone: which router, its gate's scores and weights, whom it would call within the
   * current budget, and which shadows would run (by sample and budget; CPU share and permits are
   * known only when it runs). Calls no expert and reserves no budget.
   *
   * @param input the request
   * @param ctx its context
   * @return the preview
   */
  public RoutePreview preview(InputData input, Context ctx) {
    Objects.requireNonNull(input, "input");
    ctx.checkAlive("orchestrate");
    RouterRef primary = orchestrator.chooseRouter(input, ctx);
    RoutePlan p = primary.router().preview(input, ctx);
    return new RoutePreview(
        primary.id(),
        Traces.preview(primary.router(), p),
        p.shrink(),
        shadows.wouldRun(input, ctx, primary));
  }

  /**
   * Joins feedback to its stored decision and trains every router that took part.
   *
   * @param feedback the feedback
   * @throws MoeError.UnknownTrace if the decision is unknown or expired
   * @throws MoeError.InvalidInput if the best expert named is not an expert of the primary router
   */
  public void feedback(Feedback feedback) {
    Objects.requireNonNull(feedback, "feedback");
    Decision d =
        decisions
            .get(feedback.traceId())
            .orElseThrow(() -> new MoeError.UnknownTrace(feedback.traceId()));
    trainer.train(feedback, d);
  }

  /**
   * @param traceId a trace id
   * @return whether its decision is still stored
   */
  public boolean knows(String traceId) {
    return decisions.get(traceId).isPresent();
  }

  DecisionStore decisions() {
    return decisions;
  }

  /**
   * Stops the engine's own shadow executor from taking new runs (a supplied executor is left to its
   * owner); shadow runs in flight end by their request's deadline.
   */
  @Override
  public void close() {
    shadows.close();
  }

  /** Builds an {@link Engine}. */
  public static final class Builder {
    private final Orchestrator orchestrator;
    private InstantSource clock = InstantSource.system();
    private Duration shadowMinRemaining = Duration.ofMillis(50);
    private double shadowSampleRate = 1.0;
    private double shadowCpuShare = Double.POSITIVE_INFINITY;
    private double shadowMaxPerSecond;
    private long shadowCpuBurstNanos = 100_000_000L;
    private LongSupplier processCpuNanos = ShadowCpuBudget.systemProcessCpu();
    private @Nullable ExecutorService shadowExecutor;
    private int maxConcurrentShadows = 64;
    private int decisionCapacity = 10_000;
    private long decisionMaxBytes = 64L << 20;
    private Duration decisionTtl = Duration.ofHours(1);
    private int maxStageRounds = 4;
    private OnStepFailure onStepFailure = OnStepFailure.PARTIAL;
    private Duration defaultBudget = Duration.ofSeconds(2);
    private final List<EngineListener> listeners = new ArrayList<>();

    private Builder(Orchestrator orchestrator) {
      this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
    }

    /**
     * @param clock the clock for deadlines and decision expiry (default: the system's)
     * @return this
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param min shadows run only when more than this is left of the request's budget (default 50
     *     ms)
     * @return this
     */
    public Builder shadowMinRemaining(Duration min) {
      if (min == null || min.isNegative()) {
        throw new IllegalArgumentException("shadow threshold must be >= 0, got " + min);
      }
      this.shadowMinRemaining = min;
      return this;
    }

    /**
     * @param rate the share of requests, in [0, 1], whose shadows run, chosen by a stable hash of
     *     the trace id (default 1: every request's)
     * @return this
     */
    public Builder shadowSampleRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("shadow sample rate must be in [0, 1], got " + rate);
      }
      this.shadowSampleRate = rate;
      return this;
    }

    /**
     * @param perSecond the most shadow runs started per second, &gt;= 0, on the engine's clock (a
     *     token bucket holding one second's worth); 0 (the default) means no cap. Requests past it
     *     have their shadows skipped ({@link EngineEvent.SkipReason#RATE}).
     * @return this
     */
    public Builder shadowMaxPerSecond(double perSecond) {
      if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException(
            "shadows per second must be >= 0 (0: no cap), got " + perSecond);
      }
      this.shadowMaxPerSecond = perSecond;
      return this;
    }

    /**
     * @param share the most CPU time shadows may use per unit of CPU time the rest of the process
     *     uses, &gt; 0 (default: unbounded); for example 0.25 keeps shadows under a fifth of the
     *     process's CPU
     * @return this
     */
    public Builder shadowCpuShare(double share) {
      if (!(share > 0)) {
        throw new IllegalArgumentException("shadow CPU share must be > 0, got " + share);
      }
      this.shadowCpuShare = share;
      return this;
    }

    // Tests drive the CPU share with their own process CPU clock and burst.
    Builder shadowCpuClock(LongSupplier processCpuNanos, long burstNanos) {
      this.processCpuNanos = Objects.requireNonNull(processCpuNanos, "processCpuNanos");
      this.shadowCpuBurstNanos = burstNanos;
      return this;
    }

    /**
     * @param executor where shadows run (the engine does not shut it down); their CPU time is
     *     measured only on platform threads, wall time stands in on virtual ones (default: the
     *     engine's own pool of platform threads)
     * @return this
     */
    public Builder shadowExecutor(ExecutorService executor) {
      this.shadowExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * @param max shadow runs in flight at once; beyond, shadows are skipped (default 64)
     * @return this
     */
    public Builder maxConcurrentShadows(int max) {
      if (max <= 0) {
        throw new IllegalArgumentException("max concurrent shadows must be >= 1, got " + max);
      }
      this.maxConcurrentShadows = max;
      return this;
    }

    /**
     * @param capacity decisions kept for feedback, least recently used evicted first (default
     *     10,000)
     * @param ttl how long a decision is kept (default one hour)
     * @return this
     */
    public Builder decisions(int capacity, Duration ttl) {
      if (capacity <= 0) {
        throw new IllegalArgumentException("decision capacity must be >= 1, got " + capacity);
      }
      if (ttl == null || ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("decision ttl must be > 0, got " + ttl);
      }
      this.decisionCapacity = capacity;
      this.decisionTtl = ttl;
      return this;
    }

    /**
     * @param maxBytes the most heap the kept decisions may take, in bytes as estimated from their
     *     inputs, packed vectors and weights (default 64 MiB); least recently used evicted first
     * @return this
     */
    public Builder decisionMaxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("decision max bytes must be > 0, got " + maxBytes);
      }
      this.decisionMaxBytes = maxBytes;
      return this;
    }

    /**
     * @param rounds how many rounds of further stages an orchestrator may chain (default 4)
     * @return this
     */
    public Builder maxStageRounds(int rounds) {
      if (rounds < 0) {
        throw new IllegalArgumentException("max stage rounds must be >= 0, got " + rounds);
      }
      this.maxStageRounds = rounds;
      return this;
    }

    /**
     * @param policy what a request does when a later stage (a plan step, a chained router) still
     *     fails after its router re-routed it (default {@link OnStepFailure#PARTIAL}: answer with
     *     the completed stages, the failed one marked)
     * @return this
     */
    public Builder onStepFailure(OnStepFailure policy) {
      this.onStepFailure = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param budget the budget of {@link #ask(String)} (default 2 s)
     * @return this
     */
    public Builder defaultBudget(Duration budget) {
      if (budget == null || budget.isNegative() || budget.isZero()) {
        throw new IllegalArgumentException("default budget must be > 0, got " + budget);
      }
      this.defaultBudget = budget;
      return this;
    }

    /**
     * @param listener an observer
     * @return this
     */
    public Builder listener(EngineListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * @return the engine
     */
    public Engine build() {
      return new Engine(this);
    }
  }
}
