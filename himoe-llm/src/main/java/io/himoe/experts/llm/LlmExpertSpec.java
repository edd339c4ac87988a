package io.himoe.experts.llm;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An LLM expert described as data, as a server configuration file would: its name, an optional
 * preset ({@code coding}, {@code reasoning}, {@code planning}) and its endpoints. Everything else
 * comes from the preset, or from plain-expert defaults without one.
 *
 * @param name the expert's name, not blank
 * @param preset {@code coding}, {@code reasoning}, {@code planning}, or {@code null} for a plain
 *     expert
 * @param endpoints the models, in preference order, at least one
 * @param systemPrompt a system prompt for a plain expert ({@code null} for none); presets use their
 *     own
 * @param policy retry and circuit settings ({@link LlmPolicy#ofDefaults()} in the shorter
 *     constructors)
 * @param maxInstances the seed's {@code max_instances}, or {@code null} for the preset's (all
 *     endpoints without a preset)
 * @param maxLoad calls one instance carries at once, or {@code null} for the preset's (10 without a
 *     preset)
 */
public record LlmExpertSpec(
    String name,
    @Nullable String preset,
    List<OpenAiEndpoint> endpoints,
    @Nullable String systemPrompt,
    LlmPolicy policy,
    @Nullable Integer maxInstances,
    @Nullable Integer maxLoad) {

  /** Validates; messages name the expert and the field. */
  public LlmExpertSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("llm expert name is empty");
    }
    if (endpoints == null || endpoints.isEmpty()) {
      throw new IllegalArgumentException("llm expert " + name + ": endpoints is empty");
    }
    endpoints = List.copyOf(endpoints);
    if (preset != null) {
      preset = preset.strip().toLowerCase(Locale.ROOT);
      if (!List.of("coding", "reasoning", "planning").contains(preset)) {
        throw new IllegalArgumentException(
            "llm expert "
                + name
                + ": preset '"
                + preset
                + "' is unknown (known: coding, reasoning, planning)");
      }
    }
    if (policy == null) {
      policy = LlmPolicy.ofDefaults();
    }
    if (maxInstances != null && maxInstances < 1) {
      throw new IllegalArgumentException(
          "llm expert " + name + ": maxInstances must be >= 1, got " + maxInstances);
    }
    if (maxLoad != null && maxLoad < 1) {
      throw new IllegalArgumentException(
          "llm expert " + name + ": maxLoad must be >= 1, got " + maxLoad);
    }
  }

  /**
   * A spec with the preset's instance limits.
   *
   * @param name the expert's name
   * @param preset {@code coding}, {@code reasoning}, {@code planning} or {@code null}
   * @param endpoints the models
   * @param systemPrompt a plain expert's system prompt, or {@code null}
   * @param policy retry and circuit settings, or {@code null} for the defaults
   */
  public LlmExpertSpec(
      String name,
      @Nullable String preset,
      List<OpenAiEndpoint> endpoints,
      @Nullable String systemPrompt,
      @Nullable LlmPolicy policy) {
    this(
        name,
        preset,
        endpoints,
        systemPrompt,
        policy == null ? LlmPolicy.ofDefaults() : policy,
        null,
        null);
  }

  /**
   * A spec with default policy and the preset's instance limits.
   *
   * @param name the expert's name
   * @param preset {@code coding}, {@code reasoning}, {@code planning} or {@code null}
   * @param endpoints the models
   * @return the spec
   */
  public static LlmExpertSpec of(
      String name, @Nullable String preset, List<OpenAiEndpoint> endpoints) {
    return new LlmExpertSpec(name, preset, endpoints, null, LlmPolicy.ofDefaults(), null, null);
  }

  /**
   * Builds the expert, reading API keys from the process environment.
   *
   * @return the expert
   * @throws IllegalArgumentException if an endpoint's API key variable is not set
   */
  public LlmExpert build() {
    return build(System::getenv, Clock.systemUTC());
  }

  /**
   * @param env looks environment variables up by name
   * @param clock the circuit breakers' clock
   * @return the expert
   */
  public LlmExpert build(UnaryOperator<@Nullable String> env, Clock clock) {
    List<LlmClient> clients =
        endpoints.stream().map(e -> LlmClient.openAi(e, policy, env, clock)).toList();
    LlmExpert.Builder b =
        switch (preset == null ? "" : preset) {
          case "coding" -> LlmExperts.Preset.CODING.builder(name, clients, policy);
          case "reasoning" -> LlmExperts.Preset.REASONING.builder(name, clients, policy);
          case "planning" -> LlmExperts.Preset.PLANNING.builder(name, clients, policy);
          default ->
              LlmExpert.builder(name).clients(clients).systemPrompt(systemPrompt).policy(policy);
        };
    if (maxInstances != null || maxLoad != null) {
      b.instances(
          1,
          maxInstances != null ? maxInstances : b.maxInstances(),
          maxLoad != null ? maxLoad : b.maxLoadPerInstance());
    }
    return b.build();
  }
}
