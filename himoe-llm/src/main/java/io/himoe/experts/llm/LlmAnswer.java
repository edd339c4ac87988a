package io.himoe.experts.llm;

import io.himoe.experts.Generation;
import io.himoe.shared.ToolCall;
import java.util.List;
import java.util.Objects;

/**
 * One LLM call's result with its accounting.
 *
 * @param text the answer text (empty when the model only called tools)
 * @param endpoint the endpoint (client) that answered
 * @param toolCalls the tools the model called, if any
 * @param generation token usage (reported by the server, or counted with {@link TokenCounter}),
 *     finish reason, model, messages dropped to fit the context budget, log-probabilities
 * @param costUnits cost of the answer in cost units, from the endpoint's price
 * @param attempts attempts made, including failed ones (1 when the first succeeded)
 * @param latencyMs wall time of the whole call including retries, in ms
 */
public record LlmAnswer(
    String text,
    String endpoint,
    List<ToolCall> toolCalls,
    Generation generation,
    double costUnits,
    int attempts,
    long latencyMs) {

  /** Validates and copies. */
  public LlmAnswer {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(endpoint, "endpoint");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(generation, "generation");
  }

  /**
   * @return prompt tokens (reported, or counted when the server reported none)
   */
  public long inputTokens() {
    return generation.promptTokens();
  }

  /**
   * @return completion tokens (reported or counted)
   */
  public long outputTokens() {
    return generation.completionTokens();
  }

  /**
   * @return whether the token counts came from the server
   */
  public boolean usageReported() {
    return generation.usageReported();
  }

  /**
   * @return whether the model stopped at its output token limit
   */
  public boolean truncated() {
    return generation.finishReason() == Generation.FinishReason.LENGTH;
  }
}
