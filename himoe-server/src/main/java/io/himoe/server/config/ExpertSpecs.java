package io.himoe.server.config;

import io.himoe.experts.knowledge.KnowledgeExpert;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns the YAML (or JSON) form of an expert, {@link HimoeConfig.Expert}, into its typed {@link
 * ExpertSpec}: the kind picks the variant, options become typed fields, and every value is checked.
 * Each problem names its field's path; a field that the kind does not have is refused.
 */
public final class ExpertSpecs {

  private static final long DEFAULT_TIMEOUT_MS = 30_000;

  private final String path;
  private final List<String> problems;

  private ExpertSpecs(String path, List<String> problems) {
    this.path = path;
    this.problems = problems;
  }

  /**
   * @param entry an expert as written in a configuration or a request
   * @return its typed spec
   * @throws IllegalArgumentException naming every problem, field by field
   */
  public static ExpertSpec of(HimoeConfig.Expert entry) {
    List<String> problems = new ArrayList<>();
    Optional<ExpertSpec> spec = convert(entry, "", problems);
    if (spec.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return spec.get();
  }

  /**
   * @param entry an expert as written
   * @param path its path in the configuration (e.g. {@code experts[2]}), or "" for none
   * @param problems where problems are added, each starting with its field's path
   * @return the typed spec, or empty when there were problems
   */
  static Optional<ExpertSpec> convert(
      HimoeConfig.Expert entry, String path, List<String> problems) {
    int before = problems.size();
    ExpertSpecs c = new ExpertSpecs(path, problems);
    ExpertSpec spec = c.spec(entry);
    return problems.size() == before ? Optional.ofNullable(spec) : Optional.empty();
  }

  private @Nullable ExpertSpec spec(HimoeConfig.Expert e) {
    if (e.name().isBlank()) {
      problem("name", "expected a non-empty name");
    }
    Optional<ExpertKind> kind = ExpertKind.byId(e.kind());
    if (kind.isEmpty()) {
      problem(
          "kind",
          "expected one of "
              + String.join(", ", ExpertKind.names())
              + ", got "
              + (e.kind() == null ? "nothing" : "'" + e.kind() + "'"));
    }
    ExpertSpec.Common common = common(e);
    if (kind.isEmpty() || common == null) {
      return null;
    }
    boolean llm = kind.get() == ExpertKind.LLM;
    if (!llm) {
      onlyFor("endpoint", e.endpoint() != null);
      onlyFor("models", !e.models().isEmpty());
      onlyFor("api_key", e.apiKey() != null);
      onlyFor("timeout_ms", e.timeoutMs() != null);
      onlyFor("cost_per_1k_tokens", e.costPer1kTokens() != 0);
    }
    return switch (kind.get()) {
      case PLANNER -> noOptions(e) ? new ExpertSpec.Planner(common) : null;
      case MATH -> noOptions(e) ? new ExpertSpec.Math(common) : null;
      case FR_TAGGER -> noOptions(e) ? new ExpertSpec.FrTagger(common) : null;
      case LANG_DETECT -> noOptions(e) ? new ExpertSpec.LangDetect(common) : null;
      case KNOWLEDGE -> knowledge(e, common);
      case LLM -> llm(e, common);
      case BRANCHED -> branched(e, common);
      case GENERATOR -> generator(e, common);
    };
  }

  private ExpertSpec.@Nullable Common common(HimoeConfig.Expert e) {
    nonNegative("cost_per_call", e.costPerCall());
    nonNegative("cost_per_1k_tokens", e.costPer1kTokens());
    for (int k = 0; k < e.keywords().size(); k++) {
      check(!blank(e.keywords().get(k)), "keywords[" + k + "]", "a non-empty word", "''");
    }
    for (int k = 0; k < e.examples().size(); k++) {
      check(!blank(e.examples().get(k)), "examples[" + k + "]", "a non-empty request", "''");
    }
    OptionalInt max = OptionalInt.empty();
    if (e.maxInstances() != null) {
      check(e.maxInstances() >= 1, "max_instances", "a count >= 1", e.maxInstances());
      max = OptionalInt.of(e.maxInstances());
    }
    GuardSpec guard = guard(e.guard());
    if (blank(e.name())) {
      return null;
    }
    return new ExpertSpec.Common(
        e.name(),
        e.keywords(),
        e.examples(),
        e.fallbacks(),
        new ExpertSpec.Cost(e.costPerCall(), e.costPer1kTokens()),
        guard.withMaxConcurrent(max));
  }

  private GuardSpec guard(GuardSpec g) {
    GuardSpec.Breaker b = g.breaker();
    check(
        b.failureRatePercent() > 0 && b.failureRatePercent() <= 100,
        "guard.breaker.failure_rate",
        "a percentage in (0, 100]",
        b.failureRatePercent());
    check(b.window() >= 1, "guard.breaker.window", "a count >= 1", b.window());
    check(b.minCalls() >= 1, "guard.breaker.min_calls", "a count >= 1", b.minCalls());
    positive("guard.breaker.open_ms", b.open());
    check(
        b.halfOpenCalls() >= 1, "guard.breaker.half_open_calls", "a count >= 1", b.halfOpenCalls());
    check(
        g.retry().maxAttempts() >= 1,
        "guard.retry.max_attempts",
        "a count >= 1",
        g.retry().maxAttempts());
    positive("guard.retry.backoff_ms", g.retry().backoff());
    g.timeLimit().ifPresent(t -> positive("guard.time_limit_ms", t));
    g.maxInputChars().ifPresent(m -> check(m >= 1, "guard.max_input_chars", "a count >= 1", m));
    g.maxInputTokens().ifPresent(m -> check(m >= 1, "guard.max_input_tokens", "a count >= 1", m));
    g.rateLimit()
        .ifPresent(
            r -> {
              check(r.calls() >= 1, "guard.rate_limit.calls", "a count >= 1", r.calls());
              positive("guard.rate_limit.period_ms", r.period());
            });
    return g;
  }

  private @Nullable ExpertSpec knowledge(HimoeConfig.Expert e, ExpertSpec.Common common) {
    Map<String, String> o = e.options();
    knownOptions(o, Set.of("docs", "index", "encoder", "passages", "prior_weight"));
    String encoder = o.getOrDefault("encoder", "minilm").strip();
    if (encoder.isEmpty()) {
      problem("options.encoder", "expected an encoder name (e.g. minilm, hashing)");
    } else {
      try {
        io.himoe.experts.encoders.Encoders.byName(encoder);
      } catch (IllegalArgumentException ex) {
        problem(
            "options.encoder",
            Objects.requireNonNullElse(ex.getMessage(), "unknown encoder '" + encoder + "'"));
      }
    }
    int passages = 3;
    String p = o.get("passages");
    if (p != null) {
      try {
        passages = Integer.parseInt(p.strip());
        check(passages >= 1, "options.passages", "a count >= 1", passages);
      } catch (NumberFormatException bad) {
        problem("options.passages", "expected a whole number, got '" + p + "'");
      }
    }
    double priorWeight = KnowledgeExpert.DEFAULT_PRIOR_WEIGHT;
    String w = o.get("prior_weight");
    if (w != null) {
      try {
        priorWeight = Double.parseDouble(w.strip());
        check(
            priorWeight >= 0 && Double.isFinite(priorWeight),
            "options.prior_weight",
            "a weight >= 0",
            priorWeight);
      } catch (NumberFormatException bad) {
        problem("options.prior_weight", "expected a number, got '" + w + "'");
      }
    }
    return new ExpertSpec.Knowledge(
        common,
        path(o.get("docs"), "options.docs"),
        path(o.get("index"), "options.index"),
        encoder,
        passages,
        priorWeight);
  }

  private @Nullable ExpertSpec llm(HimoeConfig.Expert e, ExpertSpec.Common common) {
    URI endpoint = null;
    if (blank(e.endpoint())) {
      problem("endpoint", "expected an http(s) URL for kind 'llm'");
    } else {
      try {
        URI u = URI.create(e.endpoint());
        if (u.getScheme() == null
            || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
            || u.getHost() == null) {
          problem("endpoint", "expected an http(s) URL, got '" + e.endpoint() + "'");
        } else {
          endpoint = u;
        }
      } catch (IllegalArgumentException bad) {
        problem("endpoint", "expected an http(s) URL, got '" + e.endpoint() + "'");
      }
    }
    if (e.models().isEmpty()) {
      problem("models", "expected at least one model name for kind '" + e.kind() + "'");
    }
    for (int k = 0; k < e.models().size(); k++) {
      check(!blank(e.models().get(k)), "models[" + k + "]", "a model name", "''");
    }
    long timeoutMs = e.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : e.timeoutMs();
    check(timeoutMs > 0, "timeout_ms", "a time in ms > 0", timeoutMs);
    Map<String, String> o = e.options();
    knownOptions(
        o,
        Set.of(
            "preset",
            "system_prompt",
            "confidence",
            "tools",
            "context_tokens",
            "tiers",
            "few_shot",
            "few_shot_min_reward",
            "attempts",
            "hedge_percentile"));
    Map<io.himoe.runtime.mode.ModelTier, String> tiers = tiers(o.get("tiers"), e.models());
    Optional<ExpertSpec.LlmPreset> preset = Optional.empty();
    String ps = o.get("preset");
    if (ps != null) {
      try {
        preset = Optional.of(ExpertSpec.LlmPreset.valueOf(ps.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException bad) {
        problem("options.preset", "expected one of coding, reasoning, planning, got '" + ps + "'");
      }
    }
    double confidence = 0.7;
    String cs = o.get("confidence");
    if (cs != null) {
      try {
        confidence = Double.parseDouble(cs.strip());
        check(
            confidence >= 0 && confidence <= 1, "options.confidence", "a confidence in [0, 1]", cs);
      } catch (NumberFormatException bad) {
        problem("options.confidence", "expected a number in [0, 1], got '" + cs + "'");
      }
    }
    String ts = o.getOrDefault("tools", "false").strip();
    check(ts.equals("true") || ts.equals("false"), "options.tools", "true or false", ts);
    int contextTokens = 0;
    String ct = o.get("context_tokens");
    if (ct != null) {
      if (ct.strip().matches("\\d{1,9}")) {
        contextTokens = Integer.parseInt(ct.strip());
      } else {
        problem("options.context_tokens", "expected a token count >= 0, got '" + ct + "'");
      }
    }
    int fewShot = 0;
    String fs = o.get("few_shot");
    if (fs != null) {
      if (fs.strip().matches("\\d{1,2}") && Integer.parseInt(fs.strip()) <= 64) {
        fewShot = Integer.parseInt(fs.strip());
        if (fewShot > 0 && o.get("preset") != null) {
          problem("options.few_shot", "few-shot examples are for plain endpoints, not presets");
        }
      } else {
        problem("options.few_shot", "expected a number of examples from 0 to 64, got '" + fs + "'");
      }
    }
    double fewShotMinReward = 0.8;
    String fr = o.get("few_shot_min_reward");
    if (fr != null) {
      try {
        fewShotMinReward = Double.parseDouble(fr.strip());
        check(
            fewShotMinReward >= 0 && fewShotMinReward <= 1,
            "options.few_shot_min_reward",
            "a reward in [0, 1]",
            fr);
      } catch (NumberFormatException bad) {
        problem("options.few_shot_min_reward", "expected a number in [0, 1], got '" + fr + "'");
      }
    }
    int attempts = 3;
    String as = o.get("attempts");
    if (as != null) {
      if (as.strip().matches("\\d{1,2}") && inRange(Integer.parseInt(as.strip()), 1, 10)) {
        attempts = Integer.parseInt(as.strip());
      } else {
        problem("options.attempts", "expected attempts per model from 1 to 10, got '" + as + "'");
      }
    }
    double hedgePercentile = 0;
    String hp = o.get("hedge_percentile");
    if (hp != null) {
      try {
        hedgePercentile = Double.parseDouble(hp.strip());
        check(
            hedgePercentile > 0 && hedgePercentile <= 100,
            "options.hedge_percentile",
            "a percentile in (0, 100]",
            hp);
      } catch (NumberFormatException bad) {
        problem("options.hedge_percentile", "expected a percentile in (0, 100], got '" + hp + "'");
      }
      check(
          e.models().size() > 1,
          "options.hedge_percentile",
          "an expert with several models (it hedges to the next one)",
          e.models());
      if (o.get("preset") != null || o.get("tiers") != null) {
        problem(
            "options.hedge_percentile",
            "model hedging is for plain endpoints without tiers (every model serves every call)");
      }
    }
    if (endpoint == null || e.models().isEmpty()) {
      return null;
    }
    return new ExpertSpec.Llm(
        common,
        endpoint,
        e.models(),
        Optional.ofNullable(e.apiKey()).filter(k -> !k.isBlank()),
        Duration.ofMillis(Math.max(1, timeoutMs)),
        preset,
        Optional.ofNullable(o.get("system_prompt")).filter(s -> !s.isBlank()),
        confidence,
        ts.equals("true"),
        contextTokens,
        tiers,
        fewShot,
        fewShotMinReward,
        attempts,
        hedgePercentile);
  }

  private static boolean inRange(int v, int lo, int hi) {
    return v >= lo && v <= hi;
  }

  /** {@code "small: mini, large: big"}: each tier's model, one of {@code models}. */
  private Map<io.himoe.runtime.mode.ModelTier, String> tiers(
      @Nullable String value, List<String> models) {
    Map<io.himoe.runtime.mode.ModelTier, String> out =
        new java.util.EnumMap<>(io.himoe.runtime.mode.ModelTier.class);
    if (value == null) {
      return out;
    }
    for (String pair : value.split(",")) {
      String[] kv = pair.split(":", 2);
      String tier = kv[0].strip().toUpperCase(Locale.ROOT);
      String model = kv.length == 2 ? kv[1].strip() : "";
      try {
        io.himoe.runtime.mode.ModelTier t = io.himoe.runtime.mode.ModelTier.valueOf(tier);
        if (!models.contains(model)) {
          problem(
              "options.tiers",
              "tier " + kv[0].strip() + ": '" + model + "' is not one of models " + models);
        } else if (out.put(t, model) != null) {
          problem("options.tiers", "tier " + kv[0].strip() + " is declared twice");
        }
      } catch (IllegalArgumentException bad) {
        problem(
            "options.tiers",
            "expected 'tier: model' pairs with tiers small, medium, large, got '"
                + pair.strip()
                + "'");
      }
    }
    return out;
  }

  private @Nullable ExpertSpec branched(HimoeConfig.Expert e, ExpertSpec.Common common) {
    if (io.himoe.experts.ExpertProvider.find(ExpertKind.BRANCHED.id()).isEmpty()) {
      problem(
          "kind",
          "'branched' needs himoe-branches (and its PyTorch runtime) on the class path, which the"
              + " server jar leaves out: start the server with './himoe serve --with branches'");
    }
    Map<String, String> o = e.options();
    knownOptions(
        o, Set.of("learner", "labels", "input", "gate", "answer", "feedback_batch", "save"));
    oneOf(o, "input", Set.of("image", "features"));
    oneOf(o, "gate", Set.of("top1", "top2", "soft"));
    oneOf(o, "answer", Set.of("probabilities", "label"));
    String batch = o.get("feedback_batch");
    if (batch != null) {
      try {
        check(
            Integer.parseInt(batch.strip()) >= 1, "options.feedback_batch", "a count >= 1", batch);
      } catch (NumberFormatException bad) {
        problem("options.feedback_batch", "expected a whole number, got '" + batch + "'");
      }
    }
    Optional<Path> learner = path(o.get("learner"), "options.learner");
    if (learner.isEmpty()) {
      if (!o.containsKey("learner")) {
        problem("options.learner", "expected the learner file saved by 'cl run --save FILE'");
      }
      return null;
    }
    if (!java.nio.file.Files.isRegularFile(learner.get())) {
      problem("options.learner", "no such file: " + learner.get());
      return null;
    }
    return new ExpertSpec.Branched(common, learner.get(), o);
  }

  private @Nullable ExpertSpec generator(HimoeConfig.Expert e, ExpertSpec.Common common) {
    Map<String, String> o = e.options();
    knownOptions(o, Set.of("reassess_every", "seed"));
    int every = 10;
    String ev = o.get("reassess_every");
    if (ev != null) {
      try {
        every = Integer.parseInt(ev.strip());
        check(every >= 1, "options.reassess_every", "a count of tokens >= 1", ev);
      } catch (NumberFormatException bad) {
        problem("options.reassess_every", "expected a whole number, got '" + ev + "'");
      }
    }
    long seed = 0;
    String sd = o.get("seed");
    if (sd != null) {
      try {
        seed = Long.parseLong(sd.strip());
      } catch (NumberFormatException bad) {
        problem("options.seed", "expected a whole number, got '" + sd + "'");
      }
    }
    return new ExpertSpec.Generator(common, Math.max(1, every), seed);
  }

  private void oneOf(Map<String, String> o, String key, Set<String> allowed) {
    String v = o.get(key);
    if (v != null && !allowed.contains(v.strip())) {
      problem(
          "options." + key,
          "expected one of " + String.join(", ", new TreeSet<>(allowed)) + ", got '" + v + "'");
    }
  }

  private boolean noOptions(HimoeConfig.Expert e) {
    return knownOptions(e.options(), Set.of());
  }

  private boolean knownOptions(Map<String, String> options, Set<String> known) {
    boolean ok = true;
    for (String k : new TreeSet<>(options.keySet())) {
      if (!known.contains(k)) {
        problem(
            "options." + k,
            known.isEmpty()
                ? "this kind has no options"
                : "unknown option (expected one of: "
                    + String.join(", ", new TreeSet<>(known))
                    + ")");
        ok = false;
      }
    }
    return ok;
  }

  private Optional<Path> path(@Nullable String value, String field) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.isBlank()) {
      problem(field, "expected a path");
      return Optional.empty();
    }
    return Optional.of(Path.of(value));
  }

  private void onlyFor(String field, boolean present) {
    if (present) {
      problem(field, "only an 'llm' expert has this key");
    }
  }

  private void nonNegative(String field, double v) {
    check(v >= 0 && Double.isFinite(v), field, "a cost >= 0", v);
  }

  private void positive(String field, Duration d) {
    check(d.toMillis() > 0, field, "a time in ms > 0", d.toMillis());
  }

  private void check(boolean ok, String field, String expected, Object got) {
    if (!ok) {
      problem(field, "expected " + expected + ", got " + got);
    }
  }

  private void problem(String field, String what) {
    problems.add((path.isEmpty() ? field : path + "." + field) + ": " + what);
  }

  private static boolean blank(@Nullable String s) {
    return s == null || s.isBlank();
  }
}
