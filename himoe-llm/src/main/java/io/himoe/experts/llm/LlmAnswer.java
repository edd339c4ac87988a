package io.himoe.experts.llm;

import java.util.Objects;

/**
 * One LLM call's result with its accounting.
 *
 * @param text the answer text
 * @param endpoint the endpoint (client) that answered
 * @param inputTokens prompt tokens (reported by the server, or estimated when it reported none)
 * @param outputTokens completion tokens (reported or estimated)
 * @param usageReported whether the token counts came from the server
 * @param costUnits cost of the answer in cost units, from the endpoint's price
 * @param attempts attempts made, including failed ones (1 when the first succeeded)
 * @param truncated whether the model stopped at its output token limit
 * @param latencyMs wall time of the whole call including retries, in ms
 */
public record LlmAnswer(
    String text,
    String endpoint,
    long inputTokens,
    long outputTokens,
    boolean usageReported,
    double costUnits,
    int attempts,
    boolean truncated,
    long latencyMs) {

  /** Validates. */
  public LlmAnswer {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(endpoint, "endpoint");
  }
}
