package io.himoe.experts;

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
 */
public record Generation(
    long promptTokens,
    long completionTokens,
    boolean usageReported,
    FinishReason finishReason,
    Optional<String> model) {

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
  }

  /**
   * @return prompt plus completion tokens
   */
  public long totalTokens() {
    return promptTokens + completionTokens;
  }
}
