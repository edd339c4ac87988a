package io.himoe.server.assembly;

import io.himoe.experts.Expert;
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
import io.himoe.server.config.HimoeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The expert kinds a configuration can name, and how each is built from its spec.
 *
 * <ul>
 *   <li>{@code planner}: the rule-based planner (goal text to ordered steps).
 *   <li>{@code math}: exact arithmetic found in the text.
 *   <li>{@code fr-tagger}: French part-of-speech tagging (OpenNLP, UD tags).
 *   <li>{@code lang-detect}: language identification (OpenNLP).
 *   <li>{@code knowledge}: hybrid BM25 + vector search over a folder of documents (option {@code
 *       docs}; the built-in documents without it), index kept on disk (option {@code index}),
 *       encoder option {@code encoder} ({@code minilm} by default, or {@code hashing}).
 *   <li>{@code llm} (or its older name {@code openai}): LangChain4j over OpenAI-compatible
 *       endpoints ({@code endpoint}, {@code api_key}), one client per model in {@code models}
 *       (least-loaded first), with retries within the deadline ({@code Retry-After} honoured), a
 *       circuit breaker per endpoint, token prices and the request's {@code X-Trace-Id}; option
 *       {@code preset} ({@code coding}, {@code reasoning}, {@code planning}), or for a plain
 *       endpoint its {@code keywords} as {@code canHandle} hint and option {@code confidence}
 *       (0.7), the confidence its answers report. Another Hi-MoE server is such an endpoint.
 * </ul>
 */
public final class ExpertKinds {

  private static final Set<String> NAMES =
      Set.of("planner", "math", "fr-tagger", "lang-detect", "knowledge", "llm", "openai");
  private static final Set<String> ENDPOINT_KINDS = Set.of("openai", "llm");

  /** The environment variable name under which an {@code llm} expert's resolved key is passed. */
  private static final String KEY_VARIABLE = "HIMOE_EXPERT_API_KEY";

  private ExpertKinds() {}

  /**
   * @return every kind this build can create, sorted
   */
  public static Set<String> names() {
    return new TreeSet<>(NAMES);
  }

  /**
   * @param kind a kind
   * @return whether it calls a remote endpoint (and needs {@code endpoint} and {@code models})
   */
  public static boolean needsEndpoint(String kind) {
    return ENDPOINT_KINDS.contains(kind);
  }

  /**
   * Builds the bare expert of a spec (limits and fallbacks are added by the assembly).
   *
   * @param spec the spec (validated)
   * @return the expert
   * @throws IllegalArgumentException for an unknown kind
   */
  public static Expert create(HimoeConfig.Expert spec) {
    return switch (spec.kind()) {
      case "planner" -> new RulePlanner(spec.name());
      case "math" -> MathExpert.of(spec.name());
      case "fr-tagger" -> FrenchTaggerExpert.of(spec.name());
      case "lang-detect" -> LanguageDetectorExpert.of(spec.name());
      case "knowledge" -> knowledge(spec);
      // "openai" is the older name of "llm" (one OpenAI-compatible client for both).
      case "llm", "openai" -> llm(spec);
      default ->
          throw new IllegalArgumentException(
              "unknown expert kind '"
                  + spec.kind()
                  + "' (expected one of "
                  + String.join(", ", names())
                  + ")");
    };
  }

  /**
   * A request that makes an expert of this kind load its models and indexes, so that the first real
   * request does not pay for it inside its deadline.
   *
   * @param kind a kind
   * @return the warm-up request, or empty for kinds with nothing to load
   */
  static java.util.Optional<String> warmUpInput(String kind) {
    return java.util.Optional.ofNullable(
        switch (kind) {
          case "fr-tagger" -> "fr:tag Le chat dort.";
          case "lang-detect" -> "lang:detect ceci est une phrase";
          case "knowledge" -> "What is a mixture of experts?";
          case "math" -> "1 + 1";
          default -> null;
        });
  }

  private static Expert knowledge(HimoeConfig.Expert spec) {
    String encoder = spec.options().getOrDefault("encoder", "minilm");
    Path index =
        spec.options().containsKey("index")
            ? Path.of(spec.options().get("index"))
            : cacheDir().resolve("knowledge").resolve(spec.name() + "-" + encoder);
    String docs = spec.options().get("docs");
    if (docs == null) {
      return KnowledgeExpert.builtIn(spec.name(), index, SharedEncoders.byName(encoder));
    }
    return KnowledgeExpert.open(
        spec.name(),
        index,
        Path.of(docs),
        SharedEncoders.byName(encoder),
        Integer.parseInt(spec.options().getOrDefault("passages", "3")));
  }

  private static Expert llm(HimoeConfig.Expert spec) {
    ModelPrice price =
        spec.costPer1kTokens() > 0
            ? ModelPrice.of(spec.costPer1kTokens() * 1000, spec.costPer1kTokens() * 1000)
            : ModelPrice.free();
    List<OpenAiEndpoint> endpoints = new ArrayList<>();
    for (String model : spec.models()) {
      endpoints.add(
          new OpenAiEndpoint(
              spec.name() + "/" + model,
              spec.endpoint(),
              model,
              spec.apiKey() == null ? null : KEY_VARIABLE,
              price,
              null,
              null,
              Duration.ofMillis(spec.timeoutMs())));
    }
    String preset = spec.options().get("preset");
    String key = spec.apiKey();
    // The key was resolved from the environment by the config loader; hand it to the client
    // under a fixed variable name so it never appears in a spec or a log line.
    java.util.function.UnaryOperator<String> env = name -> KEY_VARIABLE.equals(name) ? key : null;
    if (preset != null) {
      return new LlmExpertSpec(
              spec.name(),
              preset,
              endpoints,
              spec.options().get("system_prompt"),
              LlmPolicy.ofDefaults())
          .build(env, Clock.systemUTC());
    }
    // A plain endpoint reports the configured confidence; its keywords say what it is for
    // (canHandle, which ranks an expert added at run time), not how good an answer is.
    LlmPolicy policy = LlmPolicy.ofDefaults();
    LlmExpert.Builder b =
        LlmExpert.builder(spec.name())
            .clients(
                endpoints.stream()
                    .map(e -> LlmClient.openAi(e, policy, env, Clock.systemUTC()))
                    .toList())
            .systemPrompt(spec.options().get("system_prompt"))
            .policy(policy)
            .fixedConfidence(Double.parseDouble(spec.options().getOrDefault("confidence", "0.7")));
    if (!spec.keywords().isEmpty()) {
      b.skill(new KeywordSkill(spec.keywords(), 0.3, List.of(), 0, 0, 0));
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

  /**
   * @param spec a spec
   * @return the keywords keyword routers use for it
   */
  static List<String> keywords(HimoeConfig.Expert spec) {
    return spec.keywords();
  }
}
