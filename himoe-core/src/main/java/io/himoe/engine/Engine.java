package io.himoe.engine;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.orchestrator.OrchestrationFeedback;
import io.himoe.orchestrator.Orchestrator;
import io.himoe.orchestrator.RouterRef;
import io.himoe.orchestrator.ShadowJudge;
import io.himoe.orchestrator.Stage;
import io.himoe.router.GateScores;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TtlLruCache;
import io.himoe.shared.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The single entry point (seed 001 §5): choose router, route (gate, policy, top-k within the
 * budget, parallel calls, aggregation), further stages, synthesis, answer with a decision trace.
 * After the answer, shadow routers run on their own executor when the remaining budget exceeds a
 * threshold; they never change or delay the answer. Decisions are kept in a bounded TTL/LRU store
 * so that feedback arriving later trains the routers that made them.
 *
 * <p>Thread-safe; one engine serves any number of concurrent requests. Close it to stop its shadow
 * executor.
 */
public final class Engine implements AutoCloseable {

  private final Orchestrator orchestrator;
  private final InstantSource clock;
  private final Duration shadowMinRemaining;
  private final ExecutorService shadowExecutor;
  private final boolean ownsExecutor;
  private final Semaphore shadowPermits;
  private final TtlLruCache<String, Decision> decisions;
  private final int maxStageRounds;
  private final Duration defaultBudget;
  private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();

  private Engine(Builder b) {
    this.orchestrator = b.orchestrator;
    this.clock = b.clock;
    this.shadowMinRemaining = b.shadowMinRemaining;
    this.ownsExecutor = b.shadowExecutor == null;
    this.shadowExecutor =
        ownsExecutor
            ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("himoe-shadow").factory())
            : b.shadowExecutor;
    this.shadowPermits = new Semaphore(b.maxConcurrentShadows);
    this.decisions = new TtlLruCache<>(b.decisionCapacity, b.decisionTtl, b.clock);
    this.maxStageRounds = b.maxStageRounds;
    this.defaultBudget = b.defaultBudget;
    this.listeners.addAll(b.listeners);
  }

  /**
   * @param orchestrator the orchestrator
   * @return a builder with sane defaults (shadows need 50 ms left, 10,000 decisions kept for one
   *     hour, 2 s default budget)
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
   * @param listener an observer
   */
  public void addListener(EngineListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
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
    try {
      ctx.checkAlive("orchestrate");
      RouterRef primary = orchestrator.chooseRouter(input, ctx);
      List<RouteResult> results = new ArrayList<>(2);
      List<Router> routers = new ArrayList<>(2);
      List<String> labels = new ArrayList<>(2);
      results.add(primary.router().route(input, ctx));
      routers.add(primary.router());
      labels.add("main");
      for (int round = 0; round < maxStageRounds; round++) {
        List<Stage> next = orchestrator.nextStages(input, List.copyOf(results), ctx);
        if (next.isEmpty()) {
          break;
        }
        for (Stage s : next) {
          ctx.checkAlive(s.label());
          // Only the first stage streams: later stages answer parts, not the whole.
          results.add(s.router().router().route(s.input(), ctx.withoutTokens()));
          routers.add(s.router().router());
          labels.add(s.label());
        }
      }
      ctx.cancel().throwIfCancelled("synthesize");
      Value value = orchestrator.synthesize(input, List.copyOf(results), ctx.withoutTokens());
      List<RouterRef> shadows = orchestrator.shadows(input, primary);
      boolean runShadows = !shadows.isEmpty() && ctx.remaining().compareTo(shadowMinRemaining) > 0;
      DecisionTrace trace =
          new DecisionTrace(
              ctx.traceId(),
              primary.id(),
              started,
              (System.nanoTime() - t0) / 1_000_000,
              cost(results),
              stageTraces(labels, results, routers),
              runShadows ? shadows.stream().map(RouterRef::id).toList() : List.of());
      decisions.put(ctx.traceId(), Decision.of(primary.id(), results, routers));
      Answer answer = new Answer(value, trace);
      for (EngineListener l : listeners) {
        l.onAnswer(input, answer);
      }
      if (runShadows) {
        scheduleShadows(input, ctx, primary, results.getFirst(), shadows);
      }
      return answer;
    } catch (MoeError e) {
      for (EngineListener l : listeners) {
        l.onError(input, ctx.traceId(), e);
      }
      throw e;
    }
  }

  /**
   * The decision alone: which router, its gate's scores and weights, whom it would call within the
   * current budget, and which shadows would run. Calls no expert and reserves no budget.
   *
   * @param input the request
   * @param ctx its context
   * @return the preview
   */
  public RoutePreview preview(InputData input, Context ctx) {
    Objects.requireNonNull(input, "input");
    ctx.checkAlive("orchestrate");
    RouterRef primary = orchestrator.chooseRouter(input, ctx);
    io.himoe.router.RoutePlan p = primary.router().preview(input, ctx);
    List<ExpertTrace> experts = new ArrayList<>();
    Map<ExpertId, Double> raw = p.scores().asMap();
    for (GateScores.Score s : p.weights().scores()) {
      ExpertRef ref = primary.router().experts().byId(s.id()).orElse(null);
      if (ref == null) {
        continue;
      }
      String status;
      String detail = "";
      if (p.picked().contains(ref)) {
        status = "would-call";
      } else if (p.dropped().containsKey(ref.id())) {
        status = "would-drop";
        detail = p.dropped().get(ref.id());
      } else {
        status = "not-picked";
      }
      experts.add(
          new ExpertTrace(
              ref.name(),
              ref.id().toString(),
              raw.getOrDefault(ref.id(), 0.0),
              s.value(),
              status,
              0,
              0,
              0,
              detail));
    }
    boolean shadowsRun = ctx.remaining().compareTo(shadowMinRemaining) > 0;
    List<String> shadows =
        shadowsRun
            ? orchestrator.shadows(input, primary).stream().map(RouterRef::id).toList()
            : List.of();
    return new RoutePreview(primary.id(), experts, p.shrink(), shadows);
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
    Optional<ExpertId> target = Optional.empty();
    if (feedback.bestExpert().isPresent()) {
      String name = feedback.bestExpert().get();
      target =
          Optional.of(
              d.routers()
                  .getFirst()
                  .experts()
                  .byName(name)
                  .map(ExpertRef::id)
                  .orElseThrow(
                      () ->
                          new MoeError.InvalidInput(
                              "best_expert '"
                                  + name
                                  + "' is not an expert of router '"
                                  + d.primaryRouter()
                                  + "'")));
    }
    OptionalDouble reward = feedback.reward();
    double taskLoss = reward.isPresent() ? 1 - reward.getAsDouble() : 0;
    for (int i = 0; i < d.stages().size(); i++) {
      Decision.Stage r = d.stages().get(i);
      Router router = d.routers().get(i);
      Map<ExpertId, Double> util = new HashMap<>();
      for (ExpertRef ref : r.picked()) {
        util.put(ref.id(), r.utilByName().getOrDefault(ref.name(), 0.0));
      }
      RouterFeedback rf =
          new RouterFeedback(
              feedback.traceId(),
              r.input(),
              r.weights(),
              r.picked().stream().map(ExpertRef::id).toList(),
              reward,
              i == 0 ? target : Optional.empty(),
              taskLoss,
              util);
      router.trainSignal(rf);
      for (EngineListener l : listeners) {
        l.onFeedback(router.id(), rf);
      }
    }
    orchestrator.feedback(
        new OrchestrationFeedback(
            feedback.traceId(),
            d.primaryRouter(),
            List.of(),
            Optional.empty(),
            reward,
            feedback.notes()));
  }

  /**
   * @param traceId a trace id
   * @return whether its decision is still stored
   */
  public boolean knows(String traceId) {
    return decisions.get(traceId).isPresent();
  }

  private void scheduleShadows(
      InputData input,
      Context ctx,
      RouterRef primary,
      RouteResult primaryResult,
      List<RouterRef> shadows) {
    if (!shadowPermits.tryAcquire()) {
      // Shadows are optional; under load they are skipped rather than queued behind answers.
      return;
    }
    // Same deadline, trace and cost budget; a cancel of the request after its answer must not
    // cut the comparison short, so the shadow gets its own token.
    Context shadowCtx = ctx.withCancel(CancelToken.create()).withoutTokens();
    ShadowJudge judge = orchestrator.shadowJudge();
    try {
      shadowExecutor.execute(
          () -> {
            try {
              runShadows(input, shadowCtx, primary, primaryResult, shadows, judge);
            } finally {
              shadowPermits.release();
            }
          });
    } catch (RuntimeException rejected) {
      shadowPermits.release();
    }
  }

  private void runShadows(
      InputData input,
      Context ctx,
      RouterRef primary,
      RouteResult primaryResult,
      List<RouterRef> shadows,
      ShadowJudge judge) {
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
        notes
            .append("shadow ")
            .append(s.id())
            .append(" failed: ")
            .append(e.getMessage())
            .append("; ");
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
      for (EngineListener l : listeners) {
        l.onShadow(report);
      }
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

  private static double cost(List<RouteResult> results) {
    double c = 0;
    for (RouteResult r : results) {
      c += r.out().mix().costTotal();
    }
    return c;
  }

  private static List<StageTrace> stageTraces(
      List<String> labels, List<RouteResult> results, List<Router> routers) {
    List<StageTrace> out = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      RouteResult r = results.get(i);
      Router router = routers.get(i);
      out.add(
          new StageTrace(
              labels.get(i),
              r.routerId(),
              r.input().source().describe(),
              router.config().aggregator().id(),
              expertTraces(r, router),
              r.shrink(),
              r.value().render(),
              r.out().mix()));
    }
    return out;
  }

  private static List<ExpertTrace> expertTraces(RouteResult r, Router router) {
    Map<ExpertId, ExpertOutcome> byId = new HashMap<>();
    for (ExpertOutcome o : r.outcomes()) {
      byId.put(o.expert().id(), o);
    }
    List<ExpertTrace> called = new ArrayList<>(byId.size());
    List<ExpertTrace> others = new ArrayList<>(DecisionTrace.MAX_UNPICKED);
    for (GateScores.Score s : r.weights().scores()) {
      ExpertOutcome o = byId.get(s.id());
      double score = r.scores().valueOf(s.id());
      if (o != null) {
        called.add(trace(o, score, s.value()));
      } else if (others.size() < DecisionTrace.MAX_UNPICKED) {
        router
            .experts()
            .byId(s.id())
            .ifPresent(
                ref ->
                    others.add(
                        new ExpertTrace(
                            ref.name(),
                            ref.id().toString(),
                            score,
                            s.value(),
                            "not-picked",
                            0,
                            0,
                            0,
                            "")));
      } else if (called.size() == byId.size()) {
        break;
      }
    }
    called.addAll(others);
    return called;
  }

  private static ExpertTrace trace(ExpertOutcome o, double score, double weight) {
    String name = o.expert().name();
    String id = o.expert().id().toString();
    return switch (o) {
      case ExpertOutcome.Answered a ->
          new ExpertTrace(
              name,
              id,
              score,
              weight,
              "answered",
              a.latencyMs(),
              a.out().aux().costUnits(),
              a.out().aux().confidence(),
              "");
      case ExpertOutcome.Failed f ->
          new ExpertTrace(
              name, id, score, weight, "failed", f.latencyMs(), 0, 0, f.error().getMessage());
      case ExpertOutcome.Dropped d ->
          new ExpertTrace(name, id, score, weight, "dropped", d.latencyMs(), 0, 0, d.reason());
      case ExpertOutcome.Skipped s ->
          new ExpertTrace(name, id, score, weight, "skipped", 0, 0, 0, "cascade stopped earlier");
    };
  }

  /** Stops the engine's own shadow executor (a supplied executor is left to its owner). */
  @Override
  public void close() {
    if (ownsExecutor) {
      shadowExecutor.shutdownNow();
    }
  }

  /** Builds an {@link Engine}. */
  public static final class Builder {
    private final Orchestrator orchestrator;
    private InstantSource clock = InstantSource.system();
    private Duration shadowMinRemaining = Duration.ofMillis(50);
    private ExecutorService shadowExecutor;
    private int maxConcurrentShadows = 64;
    private int decisionCapacity = 10_000;
    private Duration decisionTtl = Duration.ofHours(1);
    private int maxStageRounds = 4;
    private Duration defaultBudget = Duration.ofSeconds(2);
    private final List<EngineListener> listeners = new ArrayList<>();

    private Builder(Orchestrator orchestrator) {
      this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
    }

    /**
     * @param clock the clock for deadlines and decision expiry
     * @return this
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param min shadows run only when more than this is left of the request's budget
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
     * @param executor where shadows run (the engine does not shut it down)
     * @return this
     */
    public Builder shadowExecutor(ExecutorService executor) {
      this.shadowExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * @param max shadow runs in flight at once; beyond, shadows are skipped
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
     * @param capacity decisions kept for feedback (least recently used evicted first)
     * @param ttl how long a decision is kept
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
     * @param rounds how many rounds of further stages an orchestrator may chain
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
     * @param budget the budget of {@link #ask(String)}
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
