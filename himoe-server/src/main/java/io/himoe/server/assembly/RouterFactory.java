package io.himoe.server.assembly;

import io.himoe.experts.ExpertRegistry;
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
import io.himoe.learning.router.ExpertHint;
import io.himoe.learning.router.HybridRouter;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.learning.router.Provenance;
import io.himoe.router.GatingPolicy;
import io.himoe.router.KeywordRouter;
import io.himoe.router.PersistentRouter;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterProvider;
import io.himoe.router.aggregation.Aggregator;
import io.himoe.router.aggregation.Aggregators;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.integration.ModeCappedRouter;
import io.himoe.runtime.integration.PooledEncoder;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ExpertSpec;
import io.himoe.server.config.HimoeConfig;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the configured routers over the catalog's experts: keyword, neural (gate fitted from the
 * experts' examples, restored from the snapshot), hybrid, bandit and cost-quality routers, each
 * with its aggregation, capped by the runtime mode and {@code min_confidence}.
 */
final class RouterFactory {

  private static final Logger LOG = LoggerFactory.getLogger(RouterFactory.class);

  private final HimoeConfig config;
  private final ExpertCatalog catalog;
  private final Learners learners;
  private final Optional<RuntimeManager> runtime;

  RouterFactory(
      HimoeConfig config,
      ExpertCatalog catalog,
      Learners learners,
      Optional<RuntimeManager> runtime) {
    this.config = config;
    this.catalog = catalog;
    this.learners = learners;
    this.runtime = runtime;
  }

  /**
   * @param index the router's position in the configuration
   * @param rc its configuration
   * @return the router, wrapped as configured
   */
  Router router(int index, HimoeConfig.Router rc) {
    List<String> names =
        rc.experts() != null
            ? rc.experts()
            : config.experts().stream().map(ExpertSpec::name).toList();
    ExpertRegistry reg = catalog.registryFor(rc.id(), names);
    HimoeConfig.Aggregation agg =
        rc.aggregation() != null ? rc.aggregation() : config.aggregation();
    GatingPolicy policy = new GatingPolicy(rc.temperature(), rc.epsilon(), rc.seed());
    Aggregator aggregator = aggregator(rc.id(), agg);
    Router router =
        switch (rc.type()) {
          case "keyword" ->
              keywordRouter(
                  rc,
                  reg,
                  names,
                  new RouterConfig(
                      rc.topK(), policy, aggregator, Optional.empty(), reroute(rc), hedge(rc)));
          case "neural" -> neuralRouter(index, rc, reg, names, policy, aggregator);
          case "hybrid" -> {
            NeuralRouter inner = neuralRouter(index, rc, reg, names, policy, aggregator);
            HybridRouter.Builder hb =
                HybridRouter.builder(rc.id(), inner).weights(rc.gateWeight(), rc.selfWeight());
            for (String n : names) {
              spec(n).common().guard().maxConcurrent().ifPresent(max -> hb.maxLoad(n, max));
            }
            yield hb.build();
          }
          case "bandit" -> banditRouter(rc, reg, names, policy, aggregator);
          case "cost-quality" ->
              CostQualityRouters.build(
                  index,
                  rc,
                  reg,
                  names,
                  new RouterConfig(
                      rc.topK(),
                      policy,
                      aggregator,
                      Optional.of(routingEncoder(rc.encoder())),
                      reroute(rc),
                      hedge(rc)),
                  this::spec);
          case "branched" -> providedRouter(index, rc, reg, names, policy, aggregator);
          default ->
              throw new ConfigException(
                  "for this build",
                  List.of("routers[" + index + "].type: unknown type '" + rc.type() + "'"));
        };
    learners.add(router);
    Router capped = runtime.<Router>map(rt -> ModeCappedRouter.wrap(router, rt)).orElse(router);
    Router floored =
        rc.minConfidence() > 0 ? new MinConfidenceRouter(capped, rc.minConfidence()) : capped;
    return config.sessions().enabled()
        ? new SessionRouter(floored, config.sessions(), this::configuredCost)
        : floored;
  }

  /** An expert's configured price, to compare experts by cost (escalate-only sessions). */
  private double configuredCost(String name) {
    return catalog
        .spec(name)
        .map(s -> s.common().cost().perCall() + s.common().cost().per1kTokens())
        .orElse(0.0);
  }

  private static io.himoe.router.Reroute reroute(HimoeConfig.Router rc) {
    return new io.himoe.router.Reroute(rc.reroute().max(), rc.reroute().confidenceFloor());
  }

  private static io.himoe.router.Hedge hedge(HimoeConfig.Router rc) {
    HimoeConfig.Hedge h = rc.hedge();
    return new io.himoe.router.Hedge(h.enabled(), h.percentile(), h.minAnswers(), h.minDelayMs());
  }

  /**
   * A router type built by a module on the class path ({@code branched}: himoe-branches, with
   * {@code ./himoe serve --with branches}), over the router's encoder, fitted from the experts'
   * examples, then given back what it learned before a restart when it is a {@link
   * PersistentRouter} and the snapshot holds its state.
   */
  private Router providedRouter(
      int index,
      HimoeConfig.Router rc,
      ExpertRegistry reg,
      List<String> names,
      GatingPolicy policy,
      Aggregator aggregator) {
    RouterProvider provider =
        RouterProvider.find(rc.type())
            .orElseThrow(
                () ->
                    new ConfigException(
                        "for this build",
                        List.of(
                            "routers["
                                + index
                                + "].type: '"
                                + rc.type()
                                + "' needs himoe-branches on the class path: start the server"
                                + " with './himoe serve --with branches'")));
    Encoder encoder = routingEncoder(rc.encoder());
    Map<String, List<String>> examples = new java.util.LinkedHashMap<>();
    for (String n : names) {
      examples.put(n, spec(n).common().examples());
    }
    Router router =
        provider.create(
            rc.id(),
            reg,
            new RouterConfig(
                rc.topK(), policy, aggregator, Optional.of(encoder), reroute(rc), hedge(rc)),
            examples);
    // what it learned before a restart, from the learning snapshot (its own opaque state)
    if (router instanceof PersistentRouter p && learners.restoreSaved(p)) {
      LOG.info("routers[{}] '{}': learned state restored from the snapshot", index, rc.id());
    }
    return router;
  }

  /**
   * The router's encoder as requests use it: when the runtime is on and the encoder runs a model in
   * process, each call leases {@link EncoderMemory#bytesPerInput} per input from the runtime's
   * {@code activations} pool, waiting at most the routed request's own deadline (bound by the
   * router, {@code RequestDeadline}; {@code budgets.deadline_ms} outside a request), then failing
   * with {@code memory_exhausted}. The id stays the encoder's, so saved gates still match it.
   */
  private Encoder routingEncoder(String name) {
    Encoder bare = SharedEncoders.byName(name);
    long bytes = EncoderMemory.bytesPerInput(name);
    Optional<MemoryPool> pool = StackBuilder.activations(runtime);
    if (bytes == 0 || pool.isEmpty()) {
      return bare;
    }
    return PooledEncoder.wrap(
        bare, pool.get(), bytes, Duration.ofMillis(config.budgets().deadlineMs()));
  }

  private ExpertSpec spec(String name) {
    return catalog.spec(name).orElseThrow();
  }

  private Router keywordRouter(
      HimoeConfig.Router rc, ExpertRegistry reg, List<String> names, RouterConfig cfg) {
    KeywordRouter.Builder kb = KeywordRouter.builder(rc.id(), reg).config(cfg);
    for (String n : names) {
      spec(n).common().keywords().forEach(k -> kb.keyword(n, k, 1.0));
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
    Encoder encoder = routingEncoder(rc.encoder());
    RouterConfig cfg =
        new RouterConfig(
            rc.topK(), policy, aggregator, Optional.of(encoder), reroute(rc), hedge(rc));
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
      spec(n).common().examples().forEach(e -> examples.add(new LabelledText(e, n)));
    }
    FittedRoutes fitted =
        // start-up work, not request traffic: the fitter encodes all examples outside the pool
        RouteFitter.of(
                SharedEncoders.byName(rc.encoder()), FitOptions.ofDefaults().withSeed(rc.seed()))
            .fit(examples, List.of(), Optional.empty(), FitProgress.none());
    String fallback = rc.fallback() != null ? rc.fallback() : fitted.labels().getFirst();
    // Every expert of the router gets an output (those without examples warm-started from their
    // keywords, exploring), and so does an expert added at run time.
    nb.fromFitted(fitted, fallback).trainingExamples(examples).hints(this::hint).adoptRegistered();
    GateState saved = learners.savedGate(rc.id()).orElse(null);
    Optional<Provenance> provenance = learners.savedProvenance(rc.id());
    if (saved != null) {
      try {
        if (provenance.isPresent()) {
          nb.restore(NeuralGate.restore(saved), provenance.get());
        } else {
          nb.gate(NeuralGate.restore(saved));
        }
        return nb.build();
      } catch (IllegalArgumentException stale) {
        LOG.warn(
            "routers[{}] '{}': learned state in the snapshot does not fit this configuration ({});"
                + " starting from the examples",
            index,
            rc.id(),
            stale.getMessage());
        nb.fromFitted(fitted, fallback);
      }
    }
    return nb.build();
  }

  /** What a learning router knows of an expert it has no output for yet: its spec's examples. */
  private ExpertHint hint(String expert) {
    return catalog
        .spec(expert)
        .map(s -> new ExpertHint(s.common().examples(), String.join(", ", s.common().keywords())))
        .orElse(ExpertHint.none());
  }

  private BanditRouter banditRouter(
      HimoeConfig.Router rc,
      ExpertRegistry reg,
      List<String> names,
      GatingPolicy policy,
      Aggregator aggregator) {
    boolean contextual = rc.bandit().equals("linucb");
    Optional<Encoder> encoder =
        contextual ? Optional.of(routingEncoder(rc.encoder())) : Optional.empty();
    RouterConfig cfg =
        new RouterConfig(rc.topK(), policy, aggregator, encoder, reroute(rc), hedge(rc));
    BanditState saved = learners.savedBandit(rc.id()).orElse(null);
    Provenance provenance = learners.savedProvenance(rc.id()).orElse(null);
    if (saved != null && provenance != null && saved.arms() == provenance.experts().size()) {
      // The saved arms, in their order; experts configured or added since get an arm at once.
      return BanditRouter.of(
              rc.id(),
              reg,
              provenance.experts(),
              cfg,
              Bandit.restore(saved),
              RewardWeights.ofDefaults())
          .restoreLineage(provenance);
    }
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
        // The loader refuses strategy synthesis without synthesis_expert.
        String merger = Objects.requireNonNull(a.synthesisExpert(), "synthesis_expert");
        ExpertRegistry one = ExpertRegistry.of(catalog.routed(merger));
        yield Aggregators.synthesis(
            KeywordRouter.builder(routerId + ".synthesis", one).build().asSynthesizer());
      }
      default -> Aggregators.byId(a.strategy());
    };
  }
}
