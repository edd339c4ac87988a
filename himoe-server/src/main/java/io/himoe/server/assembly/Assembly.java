package io.himoe.server.assembly;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.himoe.engine.Engine;
import io.himoe.engine.OnStepFailure;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.management.ExpertManager;
import io.himoe.experts.management.ManagementAction;
import io.himoe.experts.management.ManagementPolicy;
import io.himoe.experts.management.ScoreWeights;
import io.himoe.learning.router.ReplayEvent;
import io.himoe.learning.state.AutoSnapshot;
import io.himoe.learning.state.LearningSnapshot;
import io.himoe.orchestrator.RouterRef;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.orchestrator.ShadowJudge;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.device.DeviceProbe;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.runtime.mode.DeviceCondition;
import io.himoe.runtime.mode.ModeMatrix;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ExpertSpec;
import io.himoe.server.config.ExpertSpecs;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.loop.Assignments;
import io.himoe.server.loop.LearningLoop;
import io.himoe.shared.Context;
import io.himoe.shared.CpuBudget;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Hi-MoE built from a {@link HimoeConfig}: the experts (each behind one stack built by
 * {@link StackBuilder}), the routers over them ({@link RouterFactory}), the rule orchestrator and
 * the engine. It also manages experts at run time ({@link ExpertCatalog}: add, remove, list with
 * live statistics), replays stored feedback ({@link Learners}), warms experts up and makes request
 * contexts with the configured budgets.
 *
 * <p>Thread-safe. Close it to stop the engine's shadow executor.
 */
public final class Assembly implements AutoCloseable {

  /** The {@code model} name that lets the orchestrator choose the router. */
  public static final String AUTO_MODEL = "himoe";

  /**
   * One expert as the product surface shows it.
   *
   * @param name its name
   * @param kind its kind
   * @param routers the routers that gate over it
   * @param calls calls observed (answers, failures and drops, summed over routers)
   * @param failures failures observed
   * @param drops calls dropped at a deadline
   * @param inFlight calls running now
   * @param expectedLatencyMs moving average of its latency in ms (highest over its routers)
   * @param expectedCost moving average of its cost in cost units (highest over its routers)
   * @param circuit its circuit breaker's state: {@code closed}, {@code open}, {@code half_open}
   *     (trial calls), or {@code none} when its breaker is disabled
   * @param hedges hedged calls started on it because the expert picked first was late
   * @param hedgeWins its hedged calls whose answer came first and was used
   * @param modelHedges for an {@code llm} expert with {@code options.hedge_percentile}: calls
   *     hedged to another of its models because the first was late
   * @param modelHedgeWins those model hedges whose answer came first and was used
   */
  public record ExpertInfo(
      String name,
      String kind,
      List<String> routers,
      long calls,
      long failures,
      long drops,
      int inFlight,
      double expectedLatencyMs,
      double expectedCost,
      String circuit,
      long hedges,
      long hedgeWins,
      long modelHedges,
      long modelHedgeWins) {}

  private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);

  private final HimoeConfig config;
  private final InstantSource clock;
  private final ExpertManager manager;
  private final ExpertCatalog catalog;
  private final Learners learners;
  private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
  private final Optional<RuntimeManager> runtime;
  private final ModelOrchestrator orchestrator;
  private final LearningLoop loop;
  private final Engine engine;

  private Assembly(
      HimoeConfig config,
      InstantSource clock,
      boolean restoreLearning,
      @Nullable DeviceProbe device) {
    this.config = config;
    this.clock = clock;
    this.learners = new Learners(config.learning().snapshotPath(), restoreLearning);
    ManagementPolicy policy = managementPolicy(config.management());
    this.manager = ExpertManager.create(ExpertRegistry.create(), policy, ScoreWeights.ofDefaults());
    this.runtime =
        config.runtime().enabled()
            ? Optional.of(newRuntime(config.runtime(), device))
            : Optional.empty();
    Clock breakerClock = clock instanceof Clock c ? c : clock.withZone(ZoneOffset.UTC);
    StackBuilder stacks =
        new StackBuilder(
            manager,
            policy,
            runtime,
            config.runtime(),
            breakers,
            breakerClock,
            Duration.ofMillis(config.budgets().deadlineMs()));
    this.catalog = new ExpertCatalog(stacks, manager);
    catalog.buildAll(config.experts());
    RouterFactory routers = new RouterFactory(config, catalog, learners, runtime);
    RuleOrchestrator.Builder ob = RuleOrchestrator.builder();
    List<HimoeConfig.Router> rcs = config.routers();
    for (int i = 0; i < rcs.size(); i++) {
      ob.router(routers.router(i, rcs.get(i)));
    }
    HimoeConfig.Orchestrator oc = config.orchestrator();
    ob.defaultRouter(oc.defaultRouter() != null ? oc.defaultRouter() : rcs.getFirst().id());
    for (HimoeConfig.Rule rule : oc.rules()) {
      ob.rule(predicate(rule), rule.router());
    }
    config.shadows().routers().forEach(ob::shadow);
    ob.shadowJudge(ShadowJudge.byConfidence(config.shadows().margin()));
    if (oc.planSteps() != null) {
      ob.planSteps(oc.planSteps());
    }
    RuleOrchestrator rules = ob.build();
    this.loop =
        new LearningLoop(
            config,
            id ->
                rules.routers().stream()
                    .filter(r -> r.id().equals(id))
                    .findFirst()
                    .map(RouterRef::router),
            Assignments.inMemory(100_000),
            clock);
    this.orchestrator = new ModelOrchestrator(rules, loop);
    Engine.Builder eb =
        Engine.builder(orchestrator)
            .clock(clock)
            .defaultBudget(Duration.ofMillis(config.budgets().deadlineMs()))
            .shadowMinRemaining(Duration.ofMillis(config.shadows().minRemainingMs()))
            .shadowSampleRate(config.shadows().sampleRate())
            .shadowCpuShare(config.shadows().maxCpuShare())
            .shadowMaxPerSecond(config.shadows().maxPerSecond())
            .decisions(config.server().traceCapacity(), Duration.ofHours(1))
            .onStepFailure(
                "fail".equals(oc.onStepFailure()) ? OnStepFailure.FAIL : OnStepFailure.PARTIAL);
    // Learned state is also saved while serving (every 50 feedbacks, off the feedback path), so a
    // crash loses at most the last few updates; close() saves the rest.
    learners
        .store()
        .ifPresent(store -> eb.listener(AutoSnapshot.of(store, learners::routers, 50, clock)));
    loop.listeners().forEach(eb::listener);
    this.engine = eb.build();
  }

  /**
   * @return the learning loop: promotions, shadow credit, experiments
   */
  public LearningLoop loop() {
    return loop;
  }

  private static ManagementPolicy managementPolicy(HimoeConfig.Management mc) {
    ManagementPolicy defaults = ManagementPolicy.ofDefaults();
    return new ManagementPolicy(
        mc.autoScale(),
        defaults.scaleUpLoadFraction(),
        defaults.scaleUpMinScore(),
        defaults.idleRelease(),
        mc.performanceThreshold(),
        mc.minCalls(),
        mc.removeUnderperforming(),
        defaults.window(),
        defaults.defaultMaxLoad());
  }

  /**
   * @param config a validated configuration
   * @return the assembly, on the system clock
   * @throws ConfigException if a part of the configuration cannot be built in this build
   */
  public static Assembly build(HimoeConfig config) {
    return build(config, InstantSource.system());
  }

  /**
   * @param config a validated configuration
   * @param clock the clock for deadlines and circuit breakers
   * @return the assembly
   * @throws ConfigException if a part of the configuration cannot be built in this build
   */
  public static Assembly build(HimoeConfig config, InstantSource clock) {
    return new Assembly(
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(clock, "clock"),
        true,
        null);
  }

  /**
   * An assembly whose learning routers start from the configuration, ignoring the saved learning
   * snapshot (which its close overwrites): for {@code learn replay --fresh}.
   *
   * @param config a validated configuration
   * @return the assembly, on the system clock
   */
  public static Assembly buildFresh(HimoeConfig config) {
    return new Assembly(
        Objects.requireNonNull(config, "config"), InstantSource.system(), false, null);
  }

  /**
   * @param config a validated configuration
   * @param clock the clock for deadlines and circuit breakers
   * @param device what the runtime reads as this machine's battery, memory and CPU (tests inject
   *     one to change the device mid-request); used only when {@code runtime.enabled}
   * @return the assembled engine and experts
   */
  public static Assembly build(HimoeConfig config, InstantSource clock, DeviceProbe device) {
    return new Assembly(
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(clock, "clock"),
        true,
        Objects.requireNonNull(device, "device"));
  }

  /**
   * @return when the learning snapshot the routers started from was saved, if they started from one
   *     (feedback received before it is already in it)
   */
  public Optional<java.time.Instant> learnedUntil() {
    return learners.restoredFrom();
  }

  /**
   * @return the configuration it was built from
   */
  public HimoeConfig config() {
    return config;
  }

  /**
   * @return the engine
   */
  public Engine engine() {
    return engine;
  }

  /**
   * @return the rule orchestrator (routers, shadow records)
   */
  public RuleOrchestrator orchestrator() {
    return orchestrator.rules();
  }

  /**
   * @return the router ids, in configuration order
   */
  public List<String> routerIds() {
    return catalog.routerIds();
  }

  /**
   * @return the experts' circuit breakers (resilience4j), e.g. to export their state as metrics
   */
  public CircuitBreakerRegistry circuitBreakers() {
    return breakers;
  }

  /**
   * A context with the configured budgets.
   *
   * @param traceId the trace id, or {@code null} for a fresh one
   * @param model {@code null} or {@value #AUTO_MODEL} to let the orchestrator choose, else the id
   *     of the router that must handle the request
   * @return the context
   * @throws MoeError.UnknownRouter if {@code model} names no router
   */
  public Context newContext(@Nullable String traceId, @Nullable String model) {
    Context.Builder b =
        Context.builder().budget(Duration.ofMillis(config.budgets().deadlineMs())).clock(clock);
    if (traceId != null) {
      b.traceId(traceId);
    }
    if (config.budgets().cost() != null) {
      b.costBudget(config.budgets().cost());
    }
    Long cpuMs = config.budgets().cpuMs();
    if (cpuMs != null) {
      b.cpuBudget(new CpuBudget(cpuMs, "budgets.cpu_ms"));
    }
    Context ctx = b.build();
    if (model != null && !model.equals(AUTO_MODEL)) {
      if (!catalog.hasRouter(model)) {
        List<String> known = new ArrayList<>();
        known.add(AUTO_MODEL);
        known.addAll(catalog.routerIds());
        throw new MoeError.UnknownRouter(model, known);
      }
      ctx.memory().put(ModelOrchestrator.FORCED_ROUTER, model);
    }
    return ctx;
  }

  /**
   * @param model {@value #AUTO_MODEL} (or null) for every router, else a router id
   * @return whether a request with {@code tools} can reach an expert that calls tools
   */
  public boolean callsTools(@Nullable String model) {
    return catalog.callsTools(model == null || model.equals(AUTO_MODEL) ? null : model);
  }

  /**
   * The cost held against a key's daily cost limit for a request that names no cost ceiling: the
   * most one call of an expert behind the model is expected to cost, times the most experts its
   * router calls per request ({@code top_k}).
   *
   * @param model the requested model (a router id, or {@code himoe-auto} / null for any)
   * @param input the request
   * @return cost units, 0 when no expert behind it has a price or an observed cost
   */
  public double costBound(@Nullable String model, io.himoe.shared.InputData input) {
    String routerId = model == null || model.equals(AUTO_MODEL) ? null : model;
    int calls =
        config.routers().stream()
            .filter(r -> routerId == null || r.id().equals(routerId))
            .mapToInt(HimoeConfig.Router::topK)
            .max()
            .orElse(1);
    return calls * catalog.costBound(routerId, input);
  }

  /**
   * @param ctx a request's context
   * @return the router the orchestrator chose for its first stage, once it has chosen
   */
  public Optional<String> chosenRouter(Context ctx) {
    return ctx.memory().get(ModelOrchestrator.CHOSEN_ROUTER).map(String.class::cast);
  }

  /**
   * @return every expert with its live statistics and circuit state, in name order
   */
  public List<ExpertInfo> experts() {
    return catalog.list();
  }

  /**
   * Adds an expert at run time. Keyword routers score it by its own hint (its {@code keywords}).
   *
   * @param entry the expert, as written in a request
   * @param routers the routers that gate over it; empty means all
   * @return the added expert
   * @throws IllegalArgumentException if the spec is invalid, the name is taken or a router is
   *     unknown
   */
  public synchronized ExpertInfo addExpert(HimoeConfig.Expert entry, List<String> routers) {
    ExpertSpec spec = ExpertSpecs.of(entry);
    if (!spec.common().fallbacks().isEmpty()) {
      throw new IllegalArgumentException("fallbacks: not supported for experts added at run time");
    }
    if (catalog.contains(spec.name())) {
      throw new IllegalArgumentException("expert '" + spec.name() + "' already exists");
    }
    List<String> targets = routers.isEmpty() ? routerIds() : routers;
    for (String r : targets) {
      if (!catalog.hasRouter(r)) {
        throw new IllegalArgumentException(
            "routers: unknown router '" + r + "' (known: " + String.join(", ", routerIds()) + ")");
      }
    }
    catalog.add(spec, targets);
    return experts().stream().filter(i -> i.name().equals(spec.name())).findFirst().orElseThrow();
  }

  /**
   * Removes an expert from every router.
   *
   * @param name its name
   * @return whether it existed
   * @throws IllegalArgumentException if removing it would leave a router without experts
   */
  public synchronized boolean removeExpert(String name) {
    return catalog.remove(name);
  }

  /**
   * One expert-management pass (seed 002 §4): ranks experts by success rate, load and latency; adds
   * instances to loaded, well-scored scalable experts ({@code llm}) and releases idle ones when
   * {@code management.auto_scale}; flags experts under {@code management.performance_threshold}
   * after {@code min_calls}, and removes them from every router when {@code
   * management.remove_underperforming} (never a router's last expert). With either setting on,
   * {@code serve} runs a pass every 10 seconds.
   *
   * @return what was done
   */
  public synchronized List<ManagementAction> manage() {
    List<ManagementAction> actions = manager.manage();
    for (ManagementAction a : actions) {
      LOG.info("management: {}", a);
      if (a instanceof ManagementAction.Removed r && catalog.contains(r.expert())) {
        try {
          removeExpert(r.expert());
        } catch (IllegalArgumentException lastOfARouter) {
          LOG.warn("management: kept '{}': {}", r.expert(), lastOfARouter.getMessage());
        }
      }
    }
    return actions;
  }

  /**
   * Retrains a learning router offline from stored feedback events (the feedback log), then the
   * learned state is saved with the rest when the assembly closes.
   *
   * @param routerId a router of this assembly
   * @param events the events, oldest first
   * @param passes passes over them, at least 1
   * @return the number of feedbacks given
   * @throws IllegalArgumentException if the router is unknown or does not learn
   */
  public synchronized long replay(String routerId, List<ReplayEvent> events, int passes) {
    return replay(routerId, events, passes, n -> {});
  }

  /**
   * Retrains a learning router offline from stored feedback events (the feedback log), then the
   * learned state is saved with the rest when the assembly closes.
   *
   * @param routerId a router of this assembly
   * @param events the events, oldest first
   * @param passes passes over them, at least 1
   * @param progress receives 1 after each feedback given (for a progress bar)
   * @return the number of feedbacks given
   * @throws IllegalArgumentException if the router is unknown or does not learn
   */
  public synchronized long replay(
      String routerId,
      List<ReplayEvent> events,
      int passes,
      java.util.function.LongConsumer progress) {
    return learners.replay(routerId, routerIds(), events, passes, progress);
  }

  /**
   * @return what the learning routers have learned so far (for a shared store to save)
   */
  public synchronized LearningSnapshot captureLearning() {
    return learners.capture(clock);
  }

  /**
   * Loads saved learned state into the live learning routers (a replica reloading what another
   * replica saved). Routers absent from the snapshot keep their state; a router whose saved state
   * no longer fits its experts keeps its own, with a warning.
   *
   * @param saved the learned state
   */
  public synchronized void restoreLearning(LearningSnapshot saved) {
    learners.restore(saved);
  }

  /**
   * @return whether learned state is saved ({@code learning.snapshot_path} is set)
   */
  public boolean savesLearning() {
    return learners.store().isPresent();
  }

  /**
   * @return whether the configuration asks for periodic management passes
   */
  public boolean managementEnabled() {
    return config.management().autoScale() || config.management().removeUnderperforming();
  }

  /**
   * The runtime of {@code runtime:}: complexity rules and this machine's probes; a fixed mode is a
   * decision matrix with that mode in every cell.
   */
  private static RuntimeManager newRuntime(HimoeConfig.Runtime rc, @Nullable DeviceProbe device) {
    RuntimeManager.Builder b = RuntimeManager.builder();
    DeviceProbe probe = device != null ? device : DeviceProbe.linux();
    if (device != null) {
      b.probe(device);
    }
    // in-process models (encoders, OpenNLP, PyTorch, the generator) lease working memory from
    // these pools: fixed budgets when configured, else a quarter of the free memory, re-read
    b.pools(
        rc.memoryPools().isEmpty()
            ? MemoryPools.ofDefaults(probe.read())
            : MemoryPools.of(rc.memoryPools()));
    if (!rc.mode().equals("auto")) {
      PerformanceMode mode = PerformanceMode.valueOf(rc.mode().toUpperCase(Locale.ROOT));
      ModeMatrix m = ModeMatrix.ofDefaults().withoutCpuStepDown();
      for (ComplexityLevel level : ComplexityLevel.values()) {
        for (int i = 0; i < 8; i++) {
          m = m.withCell(level, DeviceCondition.ofIndex(i), mode);
        }
      }
      b.matrix(m).initialMode(mode);
    }
    return b.build();
  }

  /**
   * @return the runtime deciding each request's performance mode, when {@code runtime.enabled}
   */
  public Optional<RuntimeManager> runtime() {
    return runtime;
  }

  private static Predicate<InputData> predicate(HimoeConfig.Rule rule) {
    List<String> words = rule.contains().stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
    Pattern regex = rule.regex() == null ? null : Pattern.compile(rule.regex());
    Integer min = rule.minLength();
    return input -> {
      String text = input.toText();
      if (!words.isEmpty()) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (words.stream().noneMatch(lower::contains)) {
          return false;
        }
      }
      if (regex != null && !regex.matcher(text).find()) {
        return false;
      }
      return min == null || text.length() >= min;
    };
  }

  /**
   * Loads the models and indexes of the local experts now (each answers one warm-up request), so
   * that no real request pays for loading inside its deadline. Prints one progress line per expert.
   *
   * @param progress where progress lines go (stderr for the CLI)
   */
  public void warmUp(java.io.PrintStream progress) {
    for (ExpertSpec spec : config.experts()) {
      Optional<String> input = ExpertKinds.warmUpInput(spec.kind());
      Optional<Expert> e = catalog.bare(spec.name());
      if (input.isEmpty() || e.isEmpty()) {
        continue;
      }
      long t0 = System.nanoTime();
      try {
        e.get().infer(InputData.text(input.get()), Context.of(Duration.ofSeconds(60)));
        progress.printf(
            "loaded %s (%s) in %d ms%n",
            spec.name(), spec.kind().id(), (System.nanoTime() - t0) / 1_000_000);
      } catch (Exception ex) {
        // Not fatal: the expert may still work for real requests; the problem is reported.
        progress.printf("warm-up of %s (%s) failed: %s%n", spec.name(), spec.kind().id(), ex);
      }
    }
  }

  /**
   * Saves what the learning routers learned (when {@code learning.snapshot_path} is set), stops the
   * engine and closes experts that hold resources (indexes, model sessions).
   */
  @Override
  public void close() {
    try {
      learners.save(clock);
    } finally {
      loop.close();
      engine.close();
      catalog.close();
    }
  }
}
