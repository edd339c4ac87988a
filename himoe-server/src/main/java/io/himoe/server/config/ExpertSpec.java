package io.himoe.server.config;

import io.himoe.runtime.mode.ModelTier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured expert, typed per kind: the variant says what the expert is and carries only the
 * settings that kind has. Made from the YAML (or JSON) form {@link HimoeConfig.Expert} by {@link
 * ExpertSpecs}, which checks every value and names the field of any problem.
 */
public sealed interface ExpertSpec {

  /**
   * @return the settings every kind has
   */
  Common common();

  /**
   * @return the kind
   */
  ExpertKind kind();

  /**
   * @return the expert's name
   */
  default String name() {
    return common().name();
  }

  /**
   * The settings every kind has.
   *
   * @param name unique name
   * @param keywords words that make keyword routers favour it
   * @param examples example requests learned routers fit their gate from
   * @param fallbacks experts tried in order when it fails
   * @param cost what a call costs
   * @param guard its guard (bulkhead, breaker, retry, time and rate limits)
   */
  record Common(
      String name,
      List<String> keywords,
      List<String> examples,
      List<String> fallbacks,
      Cost cost,
      GuardSpec guard) {
    /** Copies. */
    public Common {
      Objects.requireNonNull(name, "name");
      keywords = List.copyOf(keywords);
      examples = List.copyOf(examples);
      fallbacks = List.copyOf(fallbacks);
      Objects.requireNonNull(cost, "cost");
      Objects.requireNonNull(guard, "guard");
    }
  }

  /**
   * What one call of an expert costs, in cost units.
   *
   * @param perCall charged for every answer, &gt;= 0
   * @param per1kTokens per 1,000 tokens (input and output) of an {@code llm} expert, &gt;= 0
   */
  record Cost(double perCall, double per1kTokens) {
    /** Free. */
    public static final Cost FREE = new Cost(0, 0);
  }

  /**
   * The rule-based planner (goal text to ordered steps).
   *
   * @param common its common settings
   */
  record Planner(Common common) implements ExpertSpec {
    @Override
    public ExpertKind kind() {
      return ExpertKind.PLANNER;
    }
  }

  /**
   * Exact arithmetic found in the text.
   *
   * @param common its common settings
   */
  record Math(Common common) implements ExpertSpec {
    @Override
    public ExpertKind kind() {
      return ExpertKind.MATH;
    }
  }

  /**
   * French part-of-speech tagging (OpenNLP, UD tags).
   *
   * @param common its common settings
   */
  record FrTagger(Common common) implements ExpertSpec {
    @Override
    public ExpertKind kind() {
      return ExpertKind.FR_TAGGER;
    }
  }

  /**
   * Language identification (OpenNLP).
   *
   * @param common its common settings
   */
  record LangDetect(Common common) implements ExpertSpec {
    @Override
    public ExpertKind kind() {
      return ExpertKind.LANG_DETECT;
    }
  }

  /**
   * Hybrid BM25 + vector search over documents (options {@code docs}, {@code index}, {@code
   * encoder}, {@code passages}).
   *
   * @param common its common settings
   * @param docs the folder of documents, or empty for the built-in documents
   * @param index where the index is kept, or empty for the cache directory
   * @param encoder the text encoder of the vector half, by its configuration name (as {@code
   *     Encoders.byName} reads it; default {@code minilm})
   * @param passages passages per answer, &gt;= 1
   */
  record Knowledge(
      Common common,
      Optional<Path> docs,
      Optional<Path> index,
      String encoder,
      int passages,
      double priorWeight)
      implements ExpertSpec {
    @Override
    public ExpertKind kind() {
      return ExpertKind.KNOWLEDGE;
    }
  }

  /**
   * The local streaming generator (seed 003): a word n-gram model whose order follows the mode's
   * tier, whose length stops at the mode's token budget, and which re-reads the device every {@code
   * reassessEvery} tokens, so the mode can change mid-stream. Needs {@code runtime.enabled}.
   *
   * @param common its common settings
   * @param reassessEvery tokens between two device readings, &gt;= 1 (option {@code
   *     reassess_every}, default 10 as in the seed)
   * @param seed the sampling seed (option {@code seed}, default 0)
   */
  record Generator(Common common, int reassessEvery, long seed) implements ExpertSpec {
    @Override
    public ExpertKind kind() {
      return ExpertKind.GENERATOR;
    }
  }

  /**
   * A branched continual learner served as an expert (seed 004; the vision expert when its network
   * reads 28×28 images): built by {@code himoe-branches}' {@code ExpertProvider}, which must be on
   * the class path ({@code ./himoe serve --with branches}).
   *
   * @param common its common settings
   * @param learner the learner file saved by {@code cl run --save FILE}
   * @param options the kind's options as configured ({@code learner}, {@code labels}, {@code
   *     input}, {@code gate}, {@code answer}, {@code feedback_batch}, {@code save}), checked
   */
  record Branched(Common common, Path learner, Map<String, String> options) implements ExpertSpec {
    /** Copies. */
    public Branched {
      Objects.requireNonNull(learner, "learner");
      options = Map.copyOf(options);
    }

    @Override
    public ExpertKind kind() {
      return ExpertKind.BRANCHED;
    }
  }

  /**
   * An OpenAI-compatible endpoint (another Hi-MoE server included), one client per model (options
   * {@code preset}, {@code system_prompt}, {@code confidence}).
   *
   * @param common its common settings
   * @param endpoint the API base URL
   * @param models the model names, at least one, in preference order
   * @param apiKey the key (resolved from the environment), or empty for none
   * @param timeout the longest one HTTP call may take
   * @param preset a seed 002 preset, or empty for a plain endpoint
   * @param systemPrompt a plain endpoint's system prompt, or empty for none
   * @param confidence the confidence a plain endpoint's answers report, in [0, 1]
   * @param tools whether its models call tools ({@code options.tools}, default false): requests
   *     with {@code tools} may be answered by it
   * @param contextTokens the most prompt tokens it sends upstream ({@code options.context_tokens},
   *     default 0 = no limit): the oldest turns are dropped first
   * @param tiers the model of each declared tier (option {@code tiers}, e.g. {@code "small: mini,
   *     large: big"}); when set, each call goes to the model of the performance mode's tier (the
   *     nearest smaller tier when that one has no model); empty: every model serves every call
   * @param fewShot well-rated exchanges kept as few-shot examples ({@code options.few_shot}, 0 to
   *     64, default 0 = off; plain endpoints only)
   * @param fewShotMinReward the least reward that makes an answer an example ({@code
   *     options.few_shot_min_reward}, default 0.8)
   * @param attempts attempts per model and call, the first included ({@code options.attempts}, 1 to
   *     10, default 3; 1 = no retry, e.g. when the router re-routes or hedges instead)
   * @param hedgePercentile with several models: the percentile of a model's recent answer latencies
   *     after which a call also goes to the next model ({@code options.hedge_percentile}, in (0,
   *     100]; default 0 = no model hedging; plain endpoints)
   */
  record Llm(
      Common common,
      URI endpoint,
      List<String> models,
      Optional<String> apiKey,
      Duration timeout,
      Optional<LlmPreset> preset,
      Optional<String> systemPrompt,
      double confidence,
      boolean tools,
      int contextTokens,
      Map<ModelTier, String> tiers,
      int fewShot,
      double fewShotMinReward,
      int attempts,
      double hedgePercentile)
      implements ExpertSpec {
    /** Copies. */
    public Llm {
      models = List.copyOf(models);
      tiers = Map.copyOf(tiers);
    }

    @Override
    public ExpertKind kind() {
      return ExpertKind.LLM;
    }

    @Override
    public String toString() {
      // Never print the key.
      return "Llm[" + common.name() + ", " + endpoint + ", models=" + models + "]";
    }
  }

  /** Seed 002's LLM expert presets. */
  enum LlmPreset {
    /** Code-writing expert. */
    CODING,
    /** Careful-reasoning expert. */
    REASONING,
    /** Planner that answers with numbered steps. */
    PLANNING;

    /**
     * @return the name in configuration files
     */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
