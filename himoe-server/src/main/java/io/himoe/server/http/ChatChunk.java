package io.himoe.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One server-sent event of a streaming chat completion ({@code chat.completion.chunk}), as OpenAI
 * defines it.
 *
 * @param id the same for every chunk of the stream
 * @param object always {@code chat.completion.chunk}
 * @param created seconds since the epoch
 * @param model the router that answers
 * @param choices the delta (empty in the usage chunk)
 * @param usage token counts, in the last chunk when asked for
 * @param traceId the decision's trace id
 * @param himoe the decision summary, in the chunk that carries the finish reason
 */
record ChatChunk(
    String id,
    String object,
    long created,
    String model,
    List<Choice> choices,
    @JsonInclude(JsonInclude.Include.NON_NULL) ChatCompletion.@Nullable Usage usage,
    String traceId,
    @JsonInclude(JsonInclude.Include.NON_NULL) ChatCompletion.@Nullable Summary himoe) {

  /**
   * @param index the choice's index
   * @param delta what is new
   * @param finishReason null until the last content chunk
   */
  record Choice(
      int index,
      Delta delta,
      @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String finishReason) {}

  /**
   * @param role {@code assistant} in the first chunk
   * @param content new text
   * @param toolCalls tool calls (with their index)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Delta(
      @Nullable String role, @Nullable String content, @Nullable List<ToolCallDelta> toolCalls) {
    static Delta first() {
      return new Delta("assistant", null, null);
    }

    static Delta text(String content) {
      return new Delta(null, content, null);
    }

    static Delta empty() {
      return new Delta(null, null, null);
    }
  }

  /**
   * @param index the call's index in the message
   * @param id its id
   * @param type always {@code function}
   * @param function its name and arguments
   */
  record ToolCallDelta(int index, String id, String type, ChatRequest.FunctionCall function) {}
}
