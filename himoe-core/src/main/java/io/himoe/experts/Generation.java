package io.himoe.experts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a generating expert (an LLM endpoint) reports about its answer beside the value: token
 * usage, why generation stopped, and which model answered. Experts that do not generate report none
 * ({@link ExpertAux#generation()} is empty) and the gateway counts tokens itself.
 *
 * @param promptTokens tokens in the prompt sent upstream
 * @param completionTokens tokens in the answer
 * @param usageReported whether the counts came from the upstream (else they were counted here)
 * @param finishReason why generation stopped
 * @param model the upstream model that answered, if known
 * @param droppedMessages conversation messages left out to fit the expert's context budget
 * @param logprobs token log-probabilities in OpenAI's shape ({@code {"content": [...]}}), when
 *     asked for and given by the upstream
 */
public record Generation(
    long promptTokens,
    long completionTokens,
    boolean usageReported,
    FinishReason finishReason,
    Optional<String> model,
    int droppedMessages,
    Optional<JsonNode> logprobs) {

  /** Why a model stopped generating (OpenAI's {@code finish_reason}). */
  public enum FinishReason {
    /** A natural end or a stop sequence. */
    STOP,
    /** The output token limit cut the answer. */
    LENGTH,
    /** The model called tools and waits for their results. */
    TOOL_CALLS,
    /** A content filter removed the answer. */
    CONTENT_FILTER;

    /**
     * @return the OpenAI wire name, e.g. {@code tool_calls}
     */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Validates. */
  public Generation {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got " + promptTokens + " and " + completionTokens);
    }
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(model, "model");
    if (droppedMessages < 0) {
      throw new IllegalArgumentException("droppedMessages must be >= 0, got " + droppedMessages);
    }
    Objects.requireNonNull(logprobs, "logprobs");
  }

  /**
   * Usage of an answer without finish details: stopped naturally, nothing dropped, no
   * log-probabilities.
   *
   * @param promptTokens prompt tokens
   * @param completionTokens completion tokens
   * @param usageReported whether the counts came from the upstream
   * @return the generation report
   */
  public static Generation of(long promptTokens, long completionTokens, boolean usageReported) {
    return new Generation(
        promptTokens,
        completionTokens,
        usageReported,
        FinishReason.STOP,
        Optional.empty(),
        0,
        Optional.empty());
  }

  /**
   * @return prompt plus completion tokens
   */
  public long totalTokens() {
    return promptTokens + completionTokens;
  }
}
