package io.himoe.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.engine.Answer;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.StageTrace;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of a non-streaming chat completion, as OpenAI defines it, plus the trace id and a short
 * {@code himoe} summary of the decision.
 *
 * @param id {@code chatcmpl-} and the trace id
 * @param object always {@code chat.completion}
 * @param created seconds since the epoch
 * @param model the router that answered
 * @param choices the answers (one per requested choice)
 * @param usage token counts
 * @param traceId the decision's trace id (for feedback and {@code /v1/traces/{id}})
 * @param himoe which router and experts answered, latency and cost
 */
record ChatCompletion(
    String id,
    String object,
    long created,
    String model,
    List<Choice> choices,
    Usage usage,
    String traceId,
    Summary himoe) {

  /**
   * @param index the choice's index
   * @param message the answer
   * @param finishReason {@code stop}, {@code length}, {@code tool_calls} or {@code content_filter}
   * @param logprobs the answering model's token log-probabilities, when asked for and given
   */
  record Choice(int index, Message message, String finishReason, @Nullable JsonNode logprobs) {}

  /**
   * @param role always {@code assistant}
   * @param content the answer's text (null when the model only called tools)
   * @param toolCalls the tools the model called, if any
   */
  record Message(
      String role,
      @Nullable String content,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ChatRequest.ToolCall> toolCalls) {}

  /**
   * @param promptTokens tokens in the prompt
   * @param completionTokens tokens in the answer
   * @param totalTokens their sum
   */
  record Usage(long promptTokens, long completionTokens, long totalTokens) {
    static Usage of(long prompt, long completion) {
      return new Usage(prompt, completion, prompt + completion);
    }
  }

  /**
   * The decision in short.
   *
   * @param router the router that answered
   * @param experts the experts that answered
   * @param latencyMs wall time in ms
   * @param costUnits cost in cost units
   * @param dropCount experts dropped (late or failed)
   * @param droppedMessages conversation messages an expert left out to fit its context budget
   * @param answer in a stream: the final answer when it differs from what was streamed
   * @param streamedTokens in a stream: chunks that came live from a streaming expert
   * @param session the conversation's session: whether it stayed with its expert, and why
   */
  record Summary(
      String router,
      List<String> experts,
      long latencyMs,
      double costUnits,
      int dropCount,
      int droppedMessages,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String answer,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer streamedTokens,
      @JsonInclude(JsonInclude.Include.NON_NULL) ChatSessions.@Nullable Note session) {

    static Summary of(Answer a, ChatResult r) {
      List<String> answered = new ArrayList<>();
      for (StageTrace s : a.trace().stages()) {
        for (ExpertTrace e : s.experts()) {
          if (e.status() == ExpertStatus.ANSWERED) {
            answered.add(e.name());
          }
        }
      }
      return new Summary(
          a.trace().routerId(),
          answered,
          a.trace().latencyMs(),
          a.trace().costUnits(),
          a.trace().dropCount(),
          r.droppedMessages(),
          null,
          null,
          null);
    }

    Summary streamed(@Nullable String finalAnswer, int tokens) {
      return new Summary(
          router,
          experts,
          latencyMs,
          costUnits,
          dropCount,
          droppedMessages,
          finalAnswer,
          tokens,
          session);
    }

    Summary withSession(ChatSessions.Note note) {
      return new Summary(
          router,
          experts,
          latencyMs,
          costUnits,
          dropCount,
          droppedMessages,
          answer,
          streamedTokens,
          note);
    }
  }
}
