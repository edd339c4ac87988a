package io.himoe.server.assembly;

import io.himoe.engine.Engine;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.ExpertStats;
import io.himoe.experts.management.ExpertManager;
import io.himoe.experts.management.ManagementAction;
import io.himoe.experts.management.ManagementPolicy;
import io.himoe.experts.management.ScoreWeights;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.bandit.BanditState;
import io.himoe.learning.bandit.RewardWeights;
import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.FitProgress;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.fit.RouteFitter;
import io.himoe.learning.gate.Balancing;
import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.gate.NeuralGate;
import io.himoe.learning.router.BanditRouter;
import io.himoe.learning.router.FeedbackReplay;
import io.himoe.learning.router.HybridRouter;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.learning.router.ReplayEvent;
import io.himoe.learning.state.AutoSnapshot;
import io.himoe.learning.state.LearningSnapshot;
import io.himoe.learning.state.SnapshotStore;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.orchestrator.ShadowJudge;
import io.himoe.router.GatingPolicy;
import io.himoe.router.KeywordRouter;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.aggregation.Aggregator;
import io.himoe.router.aggregation.Aggregators;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.integration.ModeCappedRouter;
import io.himoe.runtime.integration.RuntimeExpert;
import io.himoe.runtime.mode.DeviceCondition;
import io.himoe.runtime.mode.ModeMatrix;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.HimoeConfig;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Hi-MoE built from a {@link HimoeConfig}: the experts, the routers over them, the rule
 * orchestrator and the engine. It also manages experts at run time (add, remove, list with live
 * statistics) and makes request contexts with the configured budgets.
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
      double expectedCost) {}

  private final HimoeConfig config;
  private final InstantSource clock;
  private final Map<String, ExpertRegistry> registries = new LinkedHashMap<>();
  private final Map<String, HimoeConfig.Expert> specs = new ConcurrentHashMap<>();
  private final Map<String, Expert> bare = new ConcurrentHashMap<>();
  private final ModelOrchestrator orchestrator;
  private final Engine engine;
  // Learning routers (unwrapped), whose state is saved to the snapshot on close.
  private final List<Router> learners = new ArrayList<>();
  // Experts as built, before measuring and guarding: warmed up directly, closed with the assembly.
  private final Map<String, Expert> raw = new ConcurrentHashMap<>();
  private final ManagementPolicy managementPolicy;
  private final ExpertManager manager;
  private final Optional<SnapshotStore> snapshots;
  private final Optional<LearningSnapshot> snapshot;
  // Each expert guarded (and put under the runtime) once, shared by every router that calls it,
  // so that max_instances, the bulkhead and the response cache are per expert, not per router.
  private final Map<String, Expert> guarded = new ConcurrentHashMap<>();
  private final Optional<RuntimeManager> runtime;

  private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);

  private Assembly(HimoeConfig config, InstantSource clock) {
    this.config = config;
    this.clock = clock;
    String snapshotPath = config.learning().snapshotPath();
    this.snapshots =
        snapshotPath == null
            ? Optional.empty()
            : Optional.of(SnapshotStore.of(Path.of(snapshotPath)));
    // A corrupt snapshot is refused with a clear error rather than silently replaced.
    this.snapshot = snapshots.flatMap(SnapshotStore::load);
    HimoeConfig.Management mc = config.management();
    ManagementPolicy defaults = ManagementPolicy.ofDefaults();
    this.managementPolicy =
        new ManagementPolicy(
            mc.autoScale(),
            defaults.scaleUpLoadFraction(),
            defaults.scaleUpMinScore(),
            defaults.idleRelease(),
            mc.performanceThreshold(),
            mc.minCalls(),
            mc.removeUnderperforming(),
            defaults.window(),
            defaults.defaultMaxLoad());
    this.manager =
        ExpertManager.create(ExpertRegistry.create(), managementPolicy, ScoreWeights.ofDefaults());
    this.runtime =
        config.runtime().enabled() ? Optional.of(newRuntime(config.runtime())) : Optional.empty();
    for (HimoeConfig.Expert spec : config.experts()) {
      specs.put(spec.name(), spec);
      bare.put(spec.name(), managed(spec, ExpertKinds.create(spec)));
    }
    RuleOrchestrator.Builder ob = RuleOrchestrator.builder();
    List<HimoeConfig.Router> routers = config.routers();
    for (int i = 0; i < routers.size(); i++) {
      ob.router(router(i, routers.get(i)));
    }
    HimoeConfig.Orchestrator oc = config.orchestrator();
    ob.defaultRouter(oc.defaultRouter() != null ? oc.defaultRouter() : routers.getFirst().id());
    for (HimoeConfig.Rule rule : oc.rules()) {
      ob.rule(predicate(rule), rule.router());
    }
    config.shadows().routers().forEach(ob::shadow);
    ob.shadowJudge(ShadowJudge.byConfidence(config.shadows().margin()));
    if (oc.planSteps() != null) {
      ob.planSteps(oc.planSteps());
    }
    this.orchestrator = new ModelOrchestrator(ob.build());
    Engine.Builder eb =
        Engine.builder(orchestrator)
            .clock(clock)
            .defaultBudget(Duration.ofMillis(config.budgets().deadlineMs()))
            .shadowMinRemaining(Duration.ofMillis(config.shadows().minRemainingMs()))
            .decisions(config.server().traceCapacity(), Duration.ofHours(1));
    // Learned state is also saved while serving (every 50 feedbacks, off the feedback path), so a
    // crash loses at most the last few updates; close() saves the rest.
    snapshots.ifPresent(
        store -> eb.listener(AutoSnapshot.of(store, () -> List.copyOf(learners), 50, clock)));
    this.engine = eb.build();
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
   * @param clock the clock for deadlines
   * @return the assembly
   * @throws ConfigException if a part of the configuration cannot be built in this build
   */
  public static Assembly build(HimoeConfig config, InstantSource clock) {
    return new Assembly(
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"));
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
    return List.copyOf(registries.keySet());
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
  public Context newContext(String traceId, String model) {
    Context.Builder b =
        Context.builder()
            .budget(Duration.ofMillis(config.budgets().deadlineMs()))
            .clock(clock)
            .traceId(traceId);
    if (config.budgets().cost() != null) {
      b.costBudget(config.budgets().cost());
    }
    Context ctx = b.build();
    if (model != null && !model.equals(AUTO_MODEL)) {
      if (!registries.containsKey(model)) {
        List<String> known = new ArrayList<>();
        known.add(AUTO_MODEL);
        known.addAll(registries.keySet());
        throw new MoeError.UnknownRouter(model, known);
      }
      ctx.memory().put(ModelOrchestrator.FORCED_ROUTER, model);
    }
    return ctx;
  }

  /**
   * @return every expert with its live statistics, in name order
   */
  public List<ExpertInfo> experts() {
    Map<String, List<String>> routersOf = new LinkedHashMap<>();
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, double[]> expected = new LinkedHashMap<>();
    for (Map.Entry<String, ExpertRegistry> e : registries.entrySet()) {
      ExpertRegistry reg = e.getValue();
      for (ExpertRef ref : reg.list()) {
        routersOf.computeIfAbsent(ref.name(), k -> new ArrayList<>()).add(e.getKey());
        ExpertStats s = reg.stats(ref.id());
        long[] c = counts.computeIfAbsent(ref.name(), k -> new long[4]);
        c[0] += s.calls();
        c[1] += s.failures();
        c[2] += s.drops();
        c[3] += s.inFlight();
        double[] x = expected.computeIfAbsent(ref.name(), k -> new double[2]);
        x[0] = Math.max(x[0], s.expectedLatencyMs());
        x[1] = Math.max(x[1], s.expectedCost());
      }
    }
    List<ExpertInfo> out = new ArrayList<>();
    for (String name : specs.keySet().stream().sorted().toList()) {
      long[] c = counts.getOrDefault(name, new long[4]);
      double[] x = expected.getOrDefault(name, new double[2]);
      out.add(
          new ExpertInfo(
              name,
              specs.get(name).kind(),
              routersOf.getOrDefault(name, List.of()),
              c[0],
              c[1],
              c[2],
              (int) c[3],
              x[0],
              x[1]));
    }
    return out;
  }

  /**
   * Adds an expert at run time. Keyword routers score it by its own hint (its {@code keywords}).
   *
   * @param spec the expert
   * @param routers the routers that gate over it; empty means all
   * @return the added expert
   * @throws IllegalArgumentException if the spec is invalid, the name is taken or a router is
   *     unknown
   */
  public synchronized ExpertInfo addExpert(HimoeConfig.Expert spec, List<String> routers) {
    checkSpec(spec);
    if (specs.containsKey(spec.name())) {
      throw new IllegalArgumentException("expert '" + spec.name() + "' already exists");
    }
    List<String> targets = routers.isEmpty() ? routerIds() : routers;
    for (String r : targets) {
      if (!registries.containsKey(r)) {
        throw new IllegalArgumentException(
            "routers: unknown router '" + r + "' (known: " + String.join(", ", routerIds()) + ")");
      }
    }
    Expert built = managed(spec, ExpertKinds.create(spec));
    Expert guarded = guard(spec, built);
    bare.put(spec.name(), built);
    specs.put(spec.name(), spec);
    for (String r : targets) {
      registries.get(r).register(guarded);
    }
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
    if (!specs.containsKey(name)) {
      return false;
    }
    for (Map.Entry<String, ExpertRegistry> e : registries.entrySet()) {
      ExpertRegistry reg = e.getValue();
      if (reg.byName(name).isPresent() && reg.size() == 1) {
        throw new IllegalArgumentException(
            "expert '" + name + "' is the last expert of router '" + e.getKey() + "'");
      }
    }
    registries.values().forEach(reg -> reg.remove(name));
    specs.remove(name);
    bare.remove(name);
    guarded.remove(name);
    manager.remove(name);
    Expert own = raw.remove(name);
    if (own != null) {
      closeQuietly(own);
    }
    return true;
  }

  /**
   * Registers an expert with the expert manager, which measures it (success rate, latency
   * percentiles, load) and can scale or remove it; routers gate over the measuring wrapper.
   */
  private Expert managed(HimoeConfig.Expert spec, Expert built) {
    raw.put(spec.name(), built);
    int maxLoad =
        spec.maxInstances() != null ? spec.maxInstances() : managementPolicy.defaultMaxLoad();
    return manager.register(built, maxLoad).expert();
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
      if (a instanceof ManagementAction.Removed r && specs.containsKey(r.expert())) {
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
    Router r =
        learners.stream()
            .filter(l -> l.id().equals(routerId))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "router '"
                            + routerId
                            + "' is not a router of this configuration (known: "
                            + String.join(", ", routerIds())
                            + ")"));
    if (!(r instanceof NeuralRouter || r instanceof BanditRouter || r instanceof HybridRouter)) {
      throw new IllegalArgumentException(
          "router '" + routerId + "' is a keyword router: it does not learn from feedback");
    }
    return FeedbackReplay.replay(r, events, passes);
  }

  /**
   * @return what the learning routers have learned so far (for a shared store to save)
   */
  public synchronized LearningSnapshot captureLearning() {
    return LearningSnapshot.capture(clock.instant(), learners);
  }

  /**
   * Loads saved learned state into the live learning routers (a replica reloading what another
   * replica saved). Routers absent from the snapshot keep their state; a router whose saved state
   * no longer fits its experts keeps its own, with a warning.
   *
   * @param saved the learned state
   */
  public synchronized void restoreLearning(LearningSnapshot saved) {
    for (Router r : learners) {
      Router learner = r instanceof HybridRouter h ? h.inner() : r;
      try {
        switch (learner) {
          case NeuralRouter n -> {
            GateState g = saved.gates().get(r.id());
            if (g != null) {
              n.restore(g);
            }
          }
          case BanditRouter b -> {
            BanditState st = saved.bandits().get(r.id());
            if (st != null) {
              b.restore(st);
            }
          }
          default -> {}
        }
      } catch (IllegalArgumentException stale) {
        LOG.warn("router '{}': saved learned state does not fit ({})", r.id(), stale.getMessage());
      }
    }
  }

  /**
   * @return whether learned state is saved ({@code learning.snapshot_path} is set)
   */
  public boolean savesLearning() {
    return snapshots.isPresent();
  }

  /**
   * @return whether the configuration asks for periodic management passes
   */
  public boolean managementEnabled() {
    return config.management().autoScale() || config.management().removeUnderperforming();
  }

  private static void checkSpec(HimoeConfig.Expert spec) {
    if (spec.name() == null || spec.name().isBlank()) {
      throw new IllegalArgumentException("name: expected a non-empty name");
    }
    if (spec.kind() == null || !ExpertKinds.names().contains(spec.kind())) {
      throw new IllegalArgumentException(
          "kind: expected one of "
              + String.join(", ", ExpertKinds.names())
              + ", got "
              + spec.kind());
    }
    if (ExpertKinds.needsEndpoint(spec.kind())
        && (spec.endpoint() == null
            || !spec.endpoint().matches("https?://.+")
            || spec.models().isEmpty())) {
      throw new IllegalArgumentException(
          "endpoint and models: kind '" + spec.kind() + "' needs an http(s) endpoint and a model");
    }
    if (spec.maxInstances() != null && spec.maxInstances() < 1) {
      throw new IllegalArgumentException("max_instances: expected a count >= 1");
    }
    if (!spec.fallbacks().isEmpty()) {
      throw new IllegalArgumentException("fallbacks: not supported for experts added at run time");
    }
  }

  private Expert guard(HimoeConfig.Expert spec, Expert built) {
    return guarded.computeIfAbsent(
        spec.name(),
        n -> {
          List<Expert> fbs = spec.fallbacks().stream().map(bare::get).toList();
          Expert e =
              spec.maxInstances() == null && fbs.isEmpty() && spec.costPerCall() == 0
                  ? built
                  : GuardedExpert.of(built, spec.maxInstances(), fbs, spec.costPerCall());
          return runtime
              .<Expert>map(
                  rt ->
                      RuntimeExpert.wrap(
                          e,
                          rt,
                          config.runtime().cacheSize(),
                          Duration.ofMillis(config.runtime().cacheTtlMs())))
              .orElse(e);
        });
  }

  /**
   * The runtime of {@code runtime:}: complexity rules and this machine's probes; a fixed mode is a
   * decision matrix with that mode in every cell.
   */
  private static RuntimeManager newRuntime(HimoeConfig.Runtime rc) {
    RuntimeManager.Builder b = RuntimeManager.builder();
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

  private Router router(int index, HimoeConfig.Router rc) {
    ExpertRegistry reg = ExpertRegistry.create();
    List<String> names =
        rc.experts() != null
            ? rc.experts()
            : config.experts().stream().map(HimoeConfig.Expert::name).toList();
    for (String n : names) {
      reg.register(guard(specs.get(n), bare.get(n)));
    }
    HimoeConfig.Aggregation agg =
        rc.aggregation() != null ? rc.aggregation() : config.aggregation();
    GatingPolicy policy = new GatingPolicy(rc.temperature(), rc.epsilon(), rc.seed());
    Aggregator aggregator = aggregator(rc.id(), agg);
    registries.put(rc.id(), reg);
    Router router =
        switch (rc.type()) {
          case "keyword" ->
              keywordRouter(
                  rc,
                  reg,
                  names,
                  new RouterConfig(rc.topK(), policy, aggregator, Optional.empty()));
          case "neural" -> neuralRouter(index, rc, reg, names, policy, aggregator);
          case "hybrid" -> {
            NeuralRouter inner = neuralRouter(index, rc, reg, names, policy, aggregator);
            HybridRouter.Builder hb =
                HybridRouter.builder(rc.id(), inner).weights(rc.gateWeight(), rc.selfWeight());
            for (String n : names) {
              Integer max = specs.get(n).maxInstances();
              if (max != null) {
                hb.maxLoad(n, max);
              }
            }
            yield hb.build();
          }
          case "bandit" -> banditRouter(rc, reg, names, policy, aggregator);
          default ->
              throw new ConfigException(
                  "for this build",
                  List.of("routers[" + index + "].type: unknown type '" + rc.type() + "'"));
        };
    learners.add(router);
    Router capped = runtime.<Router>map(rt -> ModeCappedRouter.wrap(router, rt)).orElse(router);
    return rc.minConfidence() > 0 ? new MinConfidenceRouter(capped, rc.minConfidence()) : capped;
  }

  private Router keywordRouter(
      HimoeConfig.Router rc, ExpertRegistry reg, List<String> names, RouterConfig cfg) {
    KeywordRouter.Builder kb = KeywordRouter.builder(rc.id(), reg).config(cfg);
    for (String n : names) {
      specs.get(n).keywords().forEach(k -> kb.keyword(n, k, 1.0));
      rc.keywords().getOrDefault(n, List.of()).forEach(k -> kb.keyword(n, k, 1.0));
    }
    if (rc.fallback() != null) {
      kb.fallback(rc.fallback());
    }
    return kb.build();
  }

  /**
   * A neural router whose gate is fitted at start-up from the experts' example requests (routes
   * defined by utterances), restored from the learning snapshot when one exists for it, and then
   * trained online by feedback.
   */
  private NeuralRouter neuralRouter(
      int index,
      HimoeConfig.Router rc,
      ExpertRegistry reg,
      List<String> names,
      GatingPolicy policy,
      Aggregator aggregator) {
    Encoder encoder = SharedEncoders.byName(rc.encoder());
    RouterConfig cfg = new RouterConfig(rc.topK(), policy, aggregator, Optional.of(encoder));
    HimoeConfig.Learning l = config.learning();
    GateConfig gateConfig =
        GateConfig.ofDefaults()
            .withLearningRate(l.learningRate())
            .withMu(l.mu())
            .withBalancing(Balancing.AUX_LOSS, l.lambda())
            .withSeed(rc.seed());
    NeuralRouter.Builder nb =
        NeuralRouter.builder(rc.id(), reg, encoder).config(cfg).gateConfig(gateConfig);
    List<LabelledText> examples = new ArrayList<>();
    for (String n : names) {
      specs.get(n).examples().forEach(e -> examples.add(new LabelledText(e, n)));
    }
    FittedRoutes fitted =
        RouteFitter.of(encoder, FitOptions.ofDefaults().withSeed(rc.seed()))
            .fit(examples, List.of(), Optional.empty(), FitProgress.none());
    String fallback = rc.fallback() != null ? rc.fallback() : fitted.labels().getFirst();
    nb.fromFitted(fitted, fallback);
    GateState saved = snapshot.map(s -> s.gates().get(rc.id())).orElse(null);
    if (saved != null) {
      try {
        nb.gate(NeuralGate.restore(saved));
      } catch (IllegalArgumentException stale) {
        LOG.warn(
            "routers[{}] '{}': learned state in the snapshot does not fit this configuration ({});"
                + " starting from the examples",
            index,
            rc.id(),
            stale.getMessage());
      }
    }
    return nb.build();
  }

  private BanditRouter banditRouter(
      HimoeConfig.Router rc,
      ExpertRegistry reg,
      List<String> names,
      GatingPolicy policy,
      Aggregator aggregator) {
    boolean contextual = rc.bandit().equals("linucb");
    Optional<Encoder> encoder =
        contextual ? Optional.of(SharedEncoders.byName(rc.encoder())) : Optional.empty();
    RouterConfig cfg = new RouterConfig(rc.topK(), policy, aggregator, encoder);
    BanditState saved = snapshot.map(s -> s.bandits().get(rc.id())).orElse(null);
    Bandit bandit =
        saved != null
            ? Bandit.restore(saved)
            : switch (rc.bandit()) {
              case "thompson" -> Bandit.thompson(names.size(), 1.0, rc.seed());
              case "linucb" ->
                  Bandit.linUcb(names.size(), encoderDimension(encoder.orElseThrow()), 1.0);
              default -> Bandit.ucb1(names.size(), Math.sqrt(2));
            };
    return BanditRouter.of(rc.id(), reg, names, cfg, bandit, RewardWeights.ofDefaults());
  }

  private static int encoderDimension(Encoder encoder) {
    return encoder.encode(InputData.text("dimension probe")).dimension();
  }

  private Aggregator aggregator(String routerId, HimoeConfig.Aggregation a) {
    return switch (a.strategy()) {
      case "cascade" -> Aggregators.cascade(a.cascadeThreshold());
      case "synthesis" -> {
        String n = a.synthesisExpert();
        ExpertRegistry one = ExpertRegistry.of(guard(specs.get(n), bare.get(n)));
        yield Aggregators.synthesis(KeywordRouter.builder(routerId + ".synthesis", one).build());
      }
      default -> Aggregators.byId(a.strategy());
    };
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

  private static void closeQuietly(Expert e) {
    if (e instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ex) {
        LOG.warn("closing expert '{}': {}", e.name(), ex.toString());
      }
    }
  }

  /**
   * Loads the models and indexes of the local experts now (each answers one warm-up request), so
   * that no real request pays for loading inside its deadline. Prints one progress line per expert.
   *
   * @param progress where progress lines go (stderr for the CLI)
   */
  public void warmUp(java.io.PrintStream progress) {
    for (HimoeConfig.Expert spec : config.experts()) {
      Optional<String> input = ExpertKinds.warmUpInput(spec.kind());
      Expert e = raw.get(spec.name());
      if (input.isEmpty() || e == null) {
        continue;
      }
      long t0 = System.nanoTime();
      try {
        e.infer(InputData.text(input.get()), Context.of(Duration.ofSeconds(60)));
        progress.printf(
            "loaded %s (%s) in %d ms%n",
            spec.name(), spec.kind(), (System.nanoTime() - t0) / 1_000_000);
      } catch (Exception ex) {
        // Not fatal: the expert may still work for real requests; the problem is reported.
        progress.printf("warm-up of %s (%s) failed: %s%n", spec.name(), spec.kind(), ex);
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
      snapshots.ifPresent(store -> store.save(LearningSnapshot.capture(clock.instant(), learners)));
    } finally {
      engine.close();
      raw.values().forEach(Assembly::closeQuietly);
      raw.clear();
    }
  }
}
