package io.himoe.server.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/** Checks the values of a parsed configuration; every problem names its field's path. */
final class ConfigValidator {

  private static final Set<String> STRATEGIES =
      Set.of("best-score", "gate-weighted", "majority-vote", "cascade", "synthesis");
  private static final Set<String> ROUTER_TYPES =
      Set.of("keyword", "neural", "bandit", "hybrid", "cost-quality");
  private static final Set<String> BANDITS = Set.of("ucb1", "thompson", "linucb");
  private static final Set<String> OPTIMISERS = Set.of("sgd", "adam");
  private static final Set<String> EXPORTERS = ordered("none", "logging", "otlp");
  private static final Set<String> RUNTIME_MODES =
      ordered("auto", "eco", "balanced", "performance", "maximum");

  private final List<String> problems = new ArrayList<>();

  /** A set that lists its values in the given order (error messages name them in that order). */
  private static Set<String> ordered(String... values) {
    return java.util.Collections.unmodifiableSequencedSet(
        new java.util.LinkedHashSet<>(List.of(values)));
  }

  private ConfigValidator() {}

  /**
   * @param c the configuration, with the experts that could be typed
   * @param entries every expert as written (null where it could not be read), for names and
   *     references; {@link ExpertSpecs} has checked each one's own fields
   * @return the problems, each starting with its field's path
   */
  static List<String> validate(HimoeConfig c, List<HimoeConfig.@Nullable Expert> entries) {
    ConfigValidator v = new ConfigValidator();
    v.server(c.server());
    v.budgets(c.budgets());
    List<HimoeConfig.Expert> written = new ArrayList<>();
    for (HimoeConfig.Expert e : entries) {
      if (e != null) {
        written.add(e);
      }
    }
    Set<String> experts = v.experts(entries);
    v.aggregation("aggregation", c.aggregation(), experts);
    Set<String> routers = v.routers(c.routers(), experts, written);
    v.orchestrator(c.orchestrator(), routers);
    v.shadows(c.shadows(), routers);
    v.experiments(c.experiments(), routers);
    v.learning(c.learning());
    v.management(c.management());
    v.oneOf("telemetry.exporter", c.telemetry().exporter(), EXPORTERS);
    v.check(
        !c.telemetry().exporter().equals("otlp")
            || c.telemetry().endpoint().matches("https?://[^\\s]+"),
        "telemetry.endpoint",
        "an http(s) URL for the otlp exporter",
        c.telemetry().endpoint());
    v.runtime(c.runtime());
    for (int i = 0; i < entries.size(); i++) {
      HimoeConfig.Expert e = entries.get(i);
      if (e != null && "generator".equals(e.kind()) && !c.runtime().enabled()) {
        v.problems.add(
            "experts["
                + i
                + "].kind: 'generator' follows the performance modes: it needs runtime.enabled:"
                + " true");
      }
    }
    v.problems.addAll(StoreCheck.problems(c));
    v.problems.addAll(GatewayCheck.problems(c));
    return v.problems;
  }

  private void server(HimoeConfig.Server s) {
    check(s.port() >= 0 && s.port() <= 65_535, "server.port", "a port in [0, 65535]", s.port());
    check(!s.host().isBlank(), "server.host", "a host name or address", s.host());
    check(s.maxBodyBytes() >= 1, "server.max_body_bytes", "a size >= 1 byte", s.maxBodyBytes());
    check(s.traceCapacity() >= 1, "server.trace_capacity", "a count >= 1", s.traceCapacity());
    check(!s.feedbackDb().isBlank(), "server.feedback_db", "a file path", s.feedbackDb());
    for (int i = 0; i < s.auth().apiKeys().size(); i++) {
      check(
          !s.auth().apiKeys().get(i).isBlank(),
          "server.auth.api_keys[" + i + "]",
          "a non-empty key (is its variable set?)",
          "''");
    }
    List<String> keyEnv = s.auth().expertKeyEnv();
    for (int i = 0; i < keyEnv.size(); i++) {
      String name = keyEnv.get(i);
      check(
          KeyEnvPolicy.NAME.matcher(name).matches(),
          "server.auth.expert_key_env[" + i + "]",
          "an environment variable name, '*' matching any characters",
          "'" + name + "'");
    }
  }

  private void budgets(HimoeConfig.Budgets b) {
    check(b.deadlineMs() > 0, "budgets.deadline_ms", "a time in ms > 0", b.deadlineMs());
    if (b.cost() != null) {
      check(positive(b.cost()), "budgets.cost", "a cost in units > 0", b.cost());
    }
    if (b.cpuMs() != null) {
      check(b.cpuMs() > 0, "budgets.cpu_ms", "a CPU time in ms > 0", b.cpuMs());
    }
  }

  private Set<String> experts(List<HimoeConfig.@Nullable Expert> list) {
    Set<String> names = new LinkedHashSet<>();
    if (list.isEmpty()) {
      problems.add("experts: expected at least one expert");
    }
    for (int i = 0; i < list.size(); i++) {
      HimoeConfig.Expert e = list.get(i);
      if (e != null && !blank(e.name()) && !names.add(e.name())) {
        problems.add("experts[" + i + "].name: duplicate expert name '" + e.name() + "'");
      }
    }
    for (int i = 0; i < list.size(); i++) {
      HimoeConfig.Expert e = list.get(i);
      if (e == null) {
        continue;
      }
      for (int f = 0; f < e.fallbacks().size(); f++) {
        String fb = e.fallbacks().get(f);
        String p = "experts[" + i + "].fallbacks[" + f + "]";
        if (fb.equals(e.name())) {
          problems.add(p + ": an expert cannot be its own fallback");
        } else {
          oneOf(p, fb, names);
        }
      }
    }
    return names;
  }

  private void aggregation(String p, HimoeConfig.Aggregation a, Set<String> experts) {
    oneOf(p + ".strategy", a.strategy(), STRATEGIES);
    check(
        a.cascadeThreshold() >= 0 && a.cascadeThreshold() <= 1,
        p + ".cascade_threshold",
        "a confidence in [0, 1]",
        a.cascadeThreshold());
    if ("synthesis".equals(a.strategy())) {
      if (blank(a.synthesisExpert())) {
        problems.add(p + ".synthesis_expert: expected an expert name for strategy 'synthesis'");
      } else {
        oneOf(p + ".synthesis_expert", a.synthesisExpert(), experts);
      }
    }
  }

  private Set<String> routers(
      List<HimoeConfig.Router> list, Set<String> experts, List<HimoeConfig.Expert> specs) {
    Set<String> ids = new LinkedHashSet<>();
    if (list.isEmpty()) {
      problems.add("routers: expected at least one router");
    }
    for (int i = 0; i < list.size(); i++) {
      HimoeConfig.Router r = list.get(i);
      String p = "routers[" + i + "]";
      if (blank(r.id())) {
        problems.add(p + ".id: expected a non-empty id");
      } else if (!ids.add(r.id())) {
        problems.add(p + ".id: duplicate router id '" + r.id() + "'");
      } else if (r.id().equals("himoe")) {
        problems.add(p + ".id: 'himoe' is reserved for the orchestrator's own choice");
      }
      if ("branched".equals(r.type())) {
        if (io.himoe.router.RouterProvider.find("branched").isEmpty()) {
          problems.add(
              p
                  + ".type: 'branched' needs himoe-branches (and its PyTorch runtime) on the class"
                  + " path, which the server jar leaves out: start the server with './himoe serve"
                  + " --with branches'");
        }
      } else {
        oneOf(p + ".type", r.type(), ROUTER_TYPES);
      }
      Set<String> mine = experts;
      if (r.experts() != null) {
        mine = new HashSet<>();
        if (r.experts().isEmpty()) {
          problems.add(p + ".experts: expected at least one expert (or omit it for all)");
        }
        for (int k = 0; k < r.experts().size(); k++) {
          oneOf(p + ".experts[" + k + "]", r.experts().get(k), experts);
          mine.add(r.experts().get(k));
        }
      }
      check(r.topK() >= 1, p + ".top_k", "a count >= 1", r.topK());
      check(
          r.minConfidence() >= 0 && r.minConfidence() <= 1,
          p + ".min_confidence",
          "a weight in [0, 1]",
          r.minConfidence());
      check(positive(r.temperature()), p + ".temperature", "a temperature > 0", r.temperature());
      check(r.epsilon() >= 0 && r.epsilon() <= 1, p + ".epsilon", "a value in [0, 1]", r.epsilon());
      for (Map.Entry<String, List<String>> kw : r.keywords().entrySet()) {
        oneOf(p + ".keywords." + kw.getKey(), kw.getKey(), mine);
        for (int k = 0; k < kw.getValue().size(); k++) {
          check(
              !blank(kw.getValue().get(k)),
              p + ".keywords." + kw.getKey() + "[" + k + "]",
              "a non-empty word",
              "''");
        }
      }
      if (r.fallback() != null) {
        oneOf(p + ".fallback", r.fallback(), mine);
      }
      if (r.aggregation() != null) {
        aggregation(p + ".aggregation", r.aggregation(), experts);
      }
      encoder(p + ".encoder", r.encoder());
      oneOf(p + ".bandit", r.bandit(), BANDITS);
      if (r.type().equals("bandit") && r.bandit().equals("linucb")) {
        // LinUCB keeps a d x d matrix per expert: 384-d sentence embeddings, not 4096-d hashes.
        check(
            io.himoe.experts.encoders.SentenceModel.byName(r.encoder()).isPresent(),
            p + ".encoder",
            "a sentence encoder (384 dimensions: minilm, bge-small, e5-small-q, ...) for a"
                + " 'linucb' bandit (its matrices grow with the square of the dimension)",
            r.encoder());
      }
      check(r.reroute().max() >= 0, p + ".reroute.max", "a count >= 0", r.reroute().max());
      check(
          r.reroute().confidenceFloor() >= 0 && r.reroute().confidenceFloor() <= 1,
          p + ".reroute.confidence_floor",
          "a confidence in [0, 1]",
          r.reroute().confidenceFloor());
      if (r.type().equals("cost-quality")) {
        costQuality(p + ".cost_quality", r.costQuality());
      }
      check(
          r.hedge().percentile() > 0 && r.hedge().percentile() <= 100,
          p + ".hedge.percentile",
          "a percentile in (0, 100]",
          r.hedge().percentile());
      check(
          r.hedge().minAnswers() >= 1,
          p + ".hedge.min_answers",
          "a count >= 1",
          r.hedge().minAnswers());
      check(
          r.hedge().minDelayMs() >= 0,
          p + ".hedge.min_delay_ms",
          "a time in ms >= 0",
          r.hedge().minDelayMs());
      check(r.gateWeight() >= 0, p + ".gate_weight", "a weight >= 0", r.gateWeight());
      check(r.selfWeight() >= 0, p + ".self_weight", "a weight >= 0", r.selfWeight());
      if (r.type().equals("neural") || r.type().equals("hybrid")) {
        Set<String> gated = mine;
        long withExamples =
            specs.stream().filter(e -> gated.contains(e.name()) && !e.examples().isEmpty()).count();
        check(
            withExamples >= 2,
            p + ".type",
            "for a '"
                + r.type()
                + "' router, example requests (experts[].examples) on at least two of its experts",
            withExamples + " with examples");
      }
    }
    return ids;
  }

  private void orchestrator(HimoeConfig.Orchestrator o, Set<String> routers) {
    if (o.defaultRouter() != null) {
      oneOf("orchestrator.default_router", o.defaultRouter(), routers);
    }
    if (o.planSteps() != null) {
      oneOf("orchestrator.plan_steps", o.planSteps(), routers);
    }
    oneOf(
        "orchestrator.on_step_failure",
        o.onStepFailure(),
        new LinkedHashSet<>(List.of("partial", "fail")));
    for (int i = 0; i < o.rules().size(); i++) {
      HimoeConfig.Rule r = o.rules().get(i);
      String p = "orchestrator.rules[" + i + "]";
      if (blank(r.router())) {
        problems.add(p + ".router: expected a router id");
      } else {
        oneOf(p + ".router", r.router(), routers);
      }
      if (r.contains().isEmpty() && r.regex() == null && r.minLength() == null) {
        problems.add(p + ": expected at least one condition (contains, regex or min_length)");
      }
      if (r.regex() != null) {
        try {
          Pattern.compile(r.regex());
        } catch (PatternSyntaxException e) {
          problems.add(
              p + ".regex: expected a valid regular expression (" + e.getDescription() + ")");
        }
      }
      if (r.minLength() != null) {
        check(r.minLength() >= 0, p + ".min_length", "a length >= 0", r.minLength());
      }
    }
  }

  private void shadows(HimoeConfig.Shadows s, Set<String> routers) {
    for (int i = 0; i < s.routers().size(); i++) {
      oneOf("shadows.routers[" + i + "]", s.routers().get(i), routers);
    }
    check(
        s.minRemainingMs() >= 0,
        "shadows.min_remaining_ms",
        "a time in ms >= 0",
        s.minRemainingMs());
    check(nonNegative(s.margin()), "shadows.margin", "a margin >= 0", s.margin());
    check(
        s.sampleRate() >= 0 && s.sampleRate() <= 1,
        "shadows.sample_rate",
        "a rate in [0, 1]",
        s.sampleRate());
    check(positive(s.maxCpuShare()), "shadows.max_cpu_share", "a share > 0", s.maxCpuShare());
    check(
        nonNegative(s.maxPerSecond()),
        "shadows.max_per_second",
        "a rate >= 0 (0: no cap)",
        s.maxPerSecond());
    HimoeConfig.Shadows.Credit c = s.credit();
    check(c.alpha() > 0 && c.alpha() < 1, "shadows.credit.alpha", "a level in (0, 1)", c.alpha());
    check(
        c.minComparisons() >= 1,
        "shadows.credit.min_comparisons",
        "a count >= 1",
        c.minComparisons());
    check(
        c.margin() >= 0 && c.margin() < 1,
        "shadows.credit.margin",
        "a margin in [0, 1)",
        c.margin());
    check(c.minSamples() >= 1, "shadows.credit.min_samples", "a count >= 1", c.minSamples());
    check(c.queue() >= 1, "shadows.credit.queue", "a count >= 1", c.queue());
    check(c.budgetMs() >= 1, "shadows.credit.budget_ms", "a time in ms >= 1", c.budgetMs());
  }

  private void experiments(List<HimoeConfig.Experiment> es, Set<String> routers) {
    Set<String> names = new HashSet<>();
    Map<String, String> experimentOf = new java.util.HashMap<>();
    for (int i = 0; i < es.size(); i++) {
      HimoeConfig.Experiment e = es.get(i);
      String p = "experiments[" + i + "]";
      check(!e.name().isBlank(), p + ".name", "a name", "'" + e.name() + "'");
      check(e.name().isBlank() || names.add(e.name()), p + ".name", "a unique name", e.name());
      oneOf(p + ".unit", e.unit(), ordered("session", "user", "request"));
      check(e.arms().size() >= 2, p + ".arms", "at least two arms", e.arms().size());
      check(e.alpha() > 0 && e.alpha() < 1, p + ".alpha", "a level in (0, 1)", e.alpha());
      check(e.minFeedback() >= 1, p + ".min_feedback", "a count >= 1", e.minFeedback());
      double total = 0;
      for (int j = 0; j < e.arms().size(); j++) {
        HimoeConfig.Experiment.Arm a = e.arms().get(j);
        String ap = p + ".arms[" + j + "]";
        oneOf(ap + ".router", a.router(), routers);
        check(nonNegative(a.weight()), ap + ".weight", "a weight >= 0", a.weight());
        total += a.weight() >= 0 ? a.weight() : 0;
        String before = a.router().isEmpty() ? null : experimentOf.putIfAbsent(a.router(), p);
        check(
            before == null,
            ap + ".router",
            "a router in one experiment only (also in " + before + ")",
            a.router());
      }
      check(total > 0, p + ".arms", "weights that sum to more than 0", total);
    }
  }

  private void learning(HimoeConfig.Learning l) {
    check(nonNegative(l.lambda()), "learning.lambda", "a weight >= 0", l.lambda());
    check(nonNegative(l.mu()), "learning.mu", "a weight >= 0", l.mu());
    oneOf("learning.optimiser", l.optimiser(), OPTIMISERS);
    check(positive(l.learningRate()), "learning.learning_rate", "a rate > 0", l.learningRate());
  }

  private void management(HimoeConfig.Management m) {
    check(
        m.performanceThreshold() >= 0 && m.performanceThreshold() <= 1,
        "management.performance_threshold",
        "a success rate in [0, 1]",
        m.performanceThreshold());
    check(m.minCalls() >= 1, "management.min_calls", "a count >= 1", m.minCalls());
  }

  private void runtime(HimoeConfig.Runtime r) {
    oneOf("runtime.mode", r.mode(), RUNTIME_MODES);
    check(r.cacheSize() >= 1, "runtime.cache_size", "a count >= 1", r.cacheSize());
    check(r.cacheTtlMs() >= 1, "runtime.cache_ttl_ms", "a time in ms >= 1", r.cacheTtlMs());
    for (var e : new java.util.TreeMap<>(r.memoryPools()).entrySet()) {
      oneOf(
          "runtime.memory_pools",
          e.getKey(),
          new LinkedHashSet<>(List.of("kv-cache", "activations", "uniforms")));
      check(
          e.getValue() >= 1,
          "runtime.memory_pools." + e.getKey(),
          "a size in bytes >= 1",
          e.getValue());
    }
  }

  /** The file's rows are read when the router is built (each bad row named there). */
  private void costQuality(String p, HimoeConfig.CostQuality c) {
    String outcomes = c.outcomes();
    if (outcomes == null || outcomes.isBlank()) {
      problems.add(
          p
              + ".outcomes: expected a JSONL file of {\"query\", \"scores\": {expert: quality}}"
              + " rows for a 'cost-quality' router");
    } else if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(outcomes))) {
      problems.add(p + ".outcomes: no readable file '" + outcomes + "'");
    }
    if (c.targetQuality() != null && c.maxCost() != null) {
      problems.add(p + ": expected target_quality or max_cost, not both");
    }
    if (c.targetQuality() != null) {
      check(
          c.targetQuality() > 0 && c.targetQuality() <= 1.5,
          p + ".target_quality",
          "a share of the best single expert's quality in (0, 1.5]",
          c.targetQuality());
    }
    if (c.maxCost() != null) {
      check(
          c.maxCost() >= 0 && Double.isFinite(c.maxCost()),
          p + ".max_cost",
          "a mean cost per request >= 0",
          c.maxCost());
    }
    check(c.outputTokens() >= 0, p + ".output_tokens", "a count >= 0", c.outputTokens());
    check(
        c.learningRate() >= 0 && Double.isFinite(c.learningRate()),
        p + ".learning_rate",
        "a step size >= 0",
        c.learningRate());
    check(
        c.recalibrateEvery() >= 1, p + ".recalibrate_every", "a count >= 1", c.recalibrateEvery());
  }

  /** An encoder name as {@code Encoders.byName} reads it (built lazily: no model is loaded). */
  private void encoder(String path, String value) {
    try {
      io.himoe.experts.encoders.Encoders.byName(value);
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
    }
  }

  private void oneOf(String path, @Nullable String value, Set<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      problems.add(
          path
              + ": expected one of "
              + String.join(", ", allowed)
              + ", got "
              + (value == null || value.isEmpty() ? "nothing" : "'" + value + "'"));
    }
  }

  private void check(boolean ok, String path, String expected, @Nullable Object got) {
    if (!ok) {
      problems.add(path + ": expected " + expected + ", got " + got);
    }
  }

  private static boolean blank(@Nullable String s) {
    return s == null || s.isBlank();
  }

  private static boolean positive(double d) {
    return d > 0 && Double.isFinite(d);
  }

  private static boolean nonNegative(double d) {
    return d >= 0 && Double.isFinite(d);
  }
}
