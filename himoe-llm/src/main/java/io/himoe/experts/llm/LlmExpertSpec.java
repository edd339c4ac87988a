package io.himoe.experts.llm;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

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
 * @param policy retry and circuit settings
 */
public record LlmExpertSpec(
    String name,
    String preset,
    List<OpenAiEndpoint> endpoints,
    String systemPrompt,
    LlmPolicy policy) {

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
  public LlmExpert build(UnaryOperator<String> env, Clock clock) {
    List<LlmClient> clients =
        endpoints.stream().map(e -> LlmClient.openAi(e, policy, env, clock)).toList();
    if (preset == null) {
      return LlmExpert.builder(name)
          .clients(clients)
          .systemPrompt(systemPrompt)
          .policy(policy)
          .build();
    }
    return switch (preset) {
      case "coding" -> LlmExperts.coding(name, clients, policy);
      case "reasoning" -> LlmExperts.reasoning(name, clients, policy);
      default -> LlmExperts.planning(name, clients, policy);
    };
  }
}
