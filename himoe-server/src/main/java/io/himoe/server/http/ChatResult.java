package io.himoe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.engine.Answer;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.StageTrace;
import io.himoe.experts.Generation;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.shared.GenerationParams;
import io.himoe.shared.InputData;
import io.himoe.shared.ToolCall;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a chat reply says, read from the engine's answer: the text, the tool calls, why generation
 * stopped, and the token usage — the upstream's where LLM experts answered, else counted with the
 * server's tokenizer. For answers no model generated, the client's {@code max_tokens} and {@code
 * stop} are applied here (the text is cut, {@code finish_reason: length} when the limit cut it).
 *
 * @param router the router that answered (the reply's {@code model})
 * @param content the answer's text (null when the model only called tools)
 * @param toolCalls the tools the model called
 * @param finishReason {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}
 * @param promptTokens prompt tokens
 * @param completionTokens completion tokens
 * @param logprobs the answering model's log-probabilities, when asked for and given
 * @param droppedMessages messages an expert left out to fit its context budget
 */
record ChatResult(
    String router,
    @Nullable String content,
    List<ToolCall> toolCalls,
    String finishReason,
    long promptTokens,
    long completionTokens,
    Optional<JsonNode> logprobs,
    int droppedMessages) {

  /**
   * @param a the engine's answer
   * @param input the request
   * @param tokens the server's tokenizer
   * @param promptTokens the prompt's tokens when they were counted already (at admission)
   * @return the reply's content and accounting
   */
  static ChatResult of(
      Answer a, InputData input, TokenCounter tokens, java.util.OptionalInt promptTokens) {
    List<Generation> gens = new ArrayList<>();
    for (StageTrace s : a.trace().stages()) {
      for (ExpertTrace e : s.experts()) {
        if (e.status() == ExpertStatus.ANSWERED) {
          e.generation().ifPresent(gens::add);
        }
      }
    }
    Value v = a.value();
    String router = a.trace().routerId();
    if (v instanceof Value.ToolCalls tc) {
      Usage u = usage(gens, input, tc.render(), tokens, promptTokens);
      return new ChatResult(
          router,
          tc.text().isEmpty() ? null : tc.text(),
          tc.calls(),
          "tool_calls",
          u.prompt,
          u.completion,
          logprobs(gens),
          dropped(gens));
    }
    String text = v.render();
    String finish = gens.size() == 1 ? gens.getFirst().finishReason().wireName() : "stop";
    if (gens.isEmpty()) {
      GenerationParams p = input.params();
      String stopped = stop(text, p.stop());
      if (p.maxTokens().isPresent() && tokens.count(stopped) > p.maxTokens().getAsInt()) {
        stopped = tokens.truncate(stopped, p.maxTokens().getAsInt());
        finish = "length";
      }
      text = stopped;
    }
    Usage u = usage(gens, input, text, tokens, promptTokens);
    return new ChatResult(
        router, text, List.of(), finish, u.prompt, u.completion, logprobs(gens), dropped(gens));
  }

  /**
   * @return prompt plus completion tokens
   */
  long totalTokens() {
    return promptTokens + completionTokens;
  }

  private record Usage(long prompt, long completion) {}

  private static Usage usage(
      List<Generation> gens,
      InputData input,
      String text,
      TokenCounter tokens,
      java.util.OptionalInt promptTokens) {
    if (gens.isEmpty()) {
      int prompt = promptTokens.isPresent() ? promptTokens.getAsInt() : tokens.prompt(input);
      return new Usage(prompt, tokens.count(text));
    }
    long p = 0;
    long c = 0;
    for (Generation g : gens) {
      p += g.promptTokens();
      c += g.completionTokens();
    }
    return new Usage(p, c);
  }

  private static Optional<JsonNode> logprobs(List<Generation> gens) {
    return gens.size() == 1 ? gens.getFirst().logprobs() : Optional.empty();
  }

  private static int dropped(List<Generation> gens) {
    if (gens.isEmpty()) {
      return 0;
    }
    int max = Integer.MIN_VALUE;
    for (Generation g : gens) {
      max = Math.max(max, g.droppedMessages());
    }
    return max;
  }

  /** The text up to the first stop sequence, as a model stops before it. */
  private static String stop(String text, List<String> stops) {
    int cut = text.length();
    for (String s : stops) {
      int i = text.indexOf(s);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return text.substring(0, cut);
  }
}
