package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertProvider;
import io.himoe.experts.knowledge.KnowledgeExpert;
import io.himoe.experts.llm.KeywordSkill;
import io.himoe.experts.llm.LlmClient;
import io.himoe.experts.llm.LlmExpert;
import io.himoe.experts.llm.LlmExpertSpec;
import io.himoe.experts.llm.LlmPolicy;
import io.himoe.experts.llm.ModelPrice;
import io.himoe.experts.llm.OpenAiEndpoint;
import io.himoe.experts.math.MathExpert;
import io.himoe.experts.nlp.FrenchTaggerExpert;
import io.himoe.experts.nlp.LanguageDetectorExpert;
import io.himoe.experts.planning.RulePlanner;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.generation.GeneratorExpert;
import io.himoe.runtime.generation.LocalGenerator;
import io.himoe.runtime.generation.NgramModel;
import io.himoe.runtime.integration.TieredExpert;
import io.himoe.runtime.mode.ModelTier;
import io.himoe.server.config.ExpertKind;
import io.himoe.server.config.ExpertSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * How each kind of expert is built from its typed {@link ExpertSpec} (the bare expert; its guard,
 * runtime mode and monitor are added by {@link StackBuilder}).
 *
 * <ul>
 *   <li>{@code planner}: the rule-based planner (goal text to ordered steps).
 *   <li>{@code math}: exact arithmetic found in the text.
 *   <li>{@code fr-tagger}: French part-of-speech tagging (OpenNLP, UD tags).
 *   <li>{@code lang-detect}: language identification (OpenNLP).
 *   <li>{@code knowledge}: hybrid BM25 + vector search over a folder of documents.
 *   <li>{@code llm} (or its older name {@code openai}): LangChain4j over OpenAI-compatible
 *       endpoints, one client per model, retries within the deadline, a circuit breaker per model,
 *       token prices and the request's {@code X-Trace-Id}.
 *   <li>{@code generator}: the local streaming n-gram generator of {@code himoe-runtime}, which
 *       follows the performance mode (also mid-stream); needs {@code runtime.enabled}.
 *   <li>{@code branched}: a continual learner of {@code himoe-branches} (the vision expert), built
 *       by that module's {@link ExpertProvider} when it is on the class path.
 * </ul>
 */
public final class ExpertKinds {

  /** The environment variable name under which an {@code llm} expert's resolved key is passed. */
  private static final String KEY_VARIABLE = "HIMOE_EXPERT_API_KEY";

  private ExpertKinds() {}

  /**
   * @return every kind name a configuration may use, sorted
   */
  public static Set<String> names() {
    return ExpertKind.names();
  }

  /**
   * Builds the bare expert of a spec.
   *
   * @param spec the spec
   * @param runtime the runtime, when {@code runtime.enabled} (the generator needs it)
   * @return the expert
   */
  static Expert create(ExpertSpec spec, Optional<RuntimeManager> runtime) {
    return switch (spec) {
      case ExpertSpec.Generator g -> generator(g, runtime);
      case ExpertSpec.Planner p -> new RulePlanner(p.name());
      case ExpertSpec.Math m -> MathExpert.of(m.name());
      case ExpertSpec.FrTagger t -> FrenchTaggerExpert.of(t.name());
      case ExpertSpec.LangDetect d -> LanguageDetectorExpert.of(d.name());
      case ExpertSpec.Knowledge k -> knowledge(k);
      case ExpertSpec.Llm l -> llm(l);
      case ExpertSpec.Branched b -> branched(b);
    };
  }

  /**
   * A request that makes an expert of this kind load its models and indexes, so that the first real
   * request does not pay for it inside its deadline.
   *
   * @param kind a kind
   * @return the warm-up request, or empty for kinds with nothing to load
   */
  static Optional<String> warmUpInput(ExpertKind kind) {
    return Optional.ofNullable(
        switch (kind) {
          case FR_TAGGER -> "fr:tag Le chat dort.";
          case LANG_DETECT -> "lang:detect ceci est une phrase";
          case KNOWLEDGE -> "What is a mixture of experts?";
          case MATH -> "1 + 1";
          case PLANNER, LLM, BRANCHED, GENERATOR -> null;
        });
  }

  private static Expert generator(ExpertSpec.Generator spec, Optional<RuntimeManager> runtime) {
    RuntimeManager rt =
        runtime.orElseThrow(
            () ->
                new IllegalStateException(
                    "expert '" + spec.name() + "': kind 'generator' needs runtime.enabled: true"));
    LocalGenerator gen =
        LocalGenerator.builder(NgramModel.bundled(), rt, rt.pools().orElseThrow())
            .reassessEvery(spec.reassessEvery())
            .seed(spec.seed())
            .build();
    return GeneratorExpert.of(spec.name(), gen, rt);
  }

  private static Expert branched(ExpertSpec.Branched spec) {
    ExpertProvider provider =
        ExpertProvider.find(ExpertKind.BRANCHED.id())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "expert '"
                            + spec.name()
                            + "': kind 'branched' needs himoe-branches on the class path"
                            + " (./himoe serve --with branches)"));
    try {
      return provider.create(spec.name(), spec.options());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expert '" + spec.name() + "': " + e.getMessage(), e);
    }
  }

  private static Expert knowledge(ExpertSpec.Knowledge spec) {
    String encoder = spec.encoder();
    Path index =
        spec.index()
            .orElseGet(() -> cacheDir().resolve("knowledge").resolve(spec.name() + "-" + encoder));
    if (spec.docs().isEmpty()) {
      return KnowledgeExpert.builtIn(spec.name(), index, SharedEncoders.byName(encoder));
    }
    return KnowledgeExpert.open(
        spec.name(),
        index,
        spec.docs().get(),
        SharedEncoders.byName(encoder),
        spec.passages(),
        spec.priorWeight());
  }

  private static Expert llm(ExpertSpec.Llm spec) {
    if (spec.tiers().isEmpty()) {
      return llmOver(spec, spec.models());
    }
    // one expert per declared tier, each over its own model; the mode's tier picks (the runtime
    // passes the profile through RuntimeExpert; without the runtime, BALANCED's MEDIUM tier)
    Map<ModelTier, Expert> byTier = new EnumMap<>(ModelTier.class);
    spec.tiers().forEach((tier, model) -> byTier.put(tier, llmOver(spec, List.of(model))));
    return TieredExpert.of(spec.name(), byTier);
  }

  private static Expert llmOver(ExpertSpec.Llm spec, List<String> models) {
    double per1k = spec.common().cost().per1kTokens();
    ModelPrice price = per1k > 0 ? ModelPrice.of(per1k * 1000, per1k * 1000) : ModelPrice.free();
    List<OpenAiEndpoint> endpoints =
        models.stream()
            .map(
                model ->
                    new OpenAiEndpoint(
                        spec.name() + "/" + model,
                        spec.endpoint().toString(),
                        model,
                        spec.apiKey().isPresent() ? KEY_VARIABLE : null,
                        price,
                        null,
                        null,
                        spec.timeout()))
            .toList();
    String key = spec.apiKey().orElse(null);
    // The key was resolved from the environment by the config loader; hand it to the client
    // under a fixed variable name so it never appears in a spec or a log line.
    UnaryOperator<@Nullable String> env = name -> KEY_VARIABLE.equals(name) ? key : null;
    LlmPolicy defaults = LlmPolicy.ofDefaults();
    LlmPolicy policy =
        spec.attempts() == defaults.maxAttempts()
            ? defaults
            : defaults.withRetries(spec.attempts(), defaults.initialBackoff());
    if (spec.preset().isPresent()) {
      return new LlmExpertSpec(
              spec.name(),
              spec.preset().get().id(),
              endpoints,
              spec.systemPrompt().orElse(null),
              policy)
          .build(env, Clock.systemUTC());
    }
    // A plain endpoint reports the configured confidence; its keywords say what it is for
    // (canHandle, which ranks an expert added at run time), not how good an answer is.
    LlmExpert.Builder b =
        LlmExpert.builder(spec.name())
            .clients(
                endpoints.stream()
                    .map(e -> LlmClient.openAi(e, policy, env, Clock.systemUTC()))
                    .toList())
            .systemPrompt(spec.systemPrompt().orElse(null))
            .policy(policy)
            .fixedConfidence(spec.confidence())
            .tools(spec.tools())
            .contextTokens(spec.contextTokens())
            .fewShot(spec.fewShot(), spec.fewShotMinReward())
            .hedgeModels(spec.hedgePercentile());
    if (!spec.common().keywords().isEmpty()) {
      b.skill(new KeywordSkill(spec.common().keywords(), 0.3, List.of(), 0, 0, 0));
    }
    return b.build();
  }

  /**
   * @return where experts keep state on disk (indexes): {@code -Dhimoe.cache.dir}, else {@code
   *     ~/.cache/himoe}
   */
  static Path cacheDir() {
    String configured = System.getProperty("himoe.cache.dir");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "himoe");
  }
}
