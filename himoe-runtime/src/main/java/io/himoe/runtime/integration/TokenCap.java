package io.himoe.runtime.integration;

import io.himoe.shared.GenerationParams;
import io.himoe.shared.InputData;
import java.util.OptionalInt;

/**
 * Bounds the output tokens a conversation asks for by the performance mode's budget: the {@code
 * max_tokens} an LLM expert sends upstream becomes {@code min(client's max_tokens,
 * profile.maxTokens())} (the mode's cap alone when the client set none). Inputs that are not
 * conversations carry no generation parameters and pass unchanged.
 */
final class TokenCap {

  private TokenCap() {}

  /**
   * @param input the request's input
   * @param maxTokens the mode's token budget, &gt; 0
   * @return the input with its {@code max_tokens} capped (the same object when already within)
   */
  static InputData apply(InputData input, int maxTokens) {
    if (!(input instanceof InputData.Conversation c)) {
      return input;
    }
    GenerationParams p = c.params();
    OptionalInt asked = p.maxTokens();
    if (asked.isPresent() && asked.getAsInt() <= maxTokens) {
      return input;
    }
    return c.withParams(p.withMaxTokens(maxTokens));
  }
}
