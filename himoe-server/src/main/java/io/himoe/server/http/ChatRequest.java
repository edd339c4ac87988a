package io.himoe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /v1/chat/completions}, as OpenAI defines it. Fields the gateway does not
 * know are refused (or dropped, by config); each field's type is checked.
 *
 * @param model a router id, or {@code himoe} to let the orchestrator choose
 * @param messages the conversation, oldest first
 * @param stream whether to answer as server-sent events
 * @param streamOptions stream options ({@code include_usage})
 * @param temperature sampling temperature, in [0, 2]
 * @param topP nucleus sampling mass, in (0, 1]
 * @param n how many choices to generate
 * @param maxTokens the most completion tokens (legacy name)
 * @param maxCompletionTokens the most completion tokens
 * @param stop a stop sequence or up to 4 of them
 * @param seed a sampling seed
 * @param presencePenalty in [-2, 2]
 * @param frequencyPenalty in [-2, 2]
 * @param user an end-user id (also a session key)
 * @param tools functions the model may call
 * @param toolChoice {@code none}, {@code auto}, {@code required} or a named function
 * @param responseFormat {@code text}, {@code json_object} or {@code json_schema}
 * @param logprobs whether to return token log-probabilities
 * @param topLogprobs how many alternatives per token, in [0, 20]
 * @param parallelToolCalls whether the model may call several tools at once
 * @param himoe Hi-MoE's own per-request options
 */
record ChatRequest(
    String model,
    List<Message> messages,
    Boolean stream,
    StreamOptions streamOptions,
    Double temperature,
    Double topP,
    Integer n,
    Integer maxTokens,
    Integer maxCompletionTokens,
    JsonNode stop,
    Long seed,
    Double presencePenalty,
    Double frequencyPenalty,
    String user,
    List<Tool> tools,
    JsonNode toolChoice,
    JsonNode responseFormat,
    Boolean logprobs,
    Integer topLogprobs,
    Boolean parallelToolCalls,
    HimoeOptions himoe) {

  /**
   * @return whether the answer streams
   */
  boolean streams() {
    return Boolean.TRUE.equals(stream);
  }

  /**
   * One message of the conversation.
   *
   * @param role {@code system}, {@code developer}, {@code user}, {@code assistant} or {@code tool}
   * @param content text, or an array of content parts ({@code text}, {@code image_url})
   * @param name an optional participant name
   * @param toolCallId for {@code tool} messages: the call this message answers
   * @param toolCalls for {@code assistant} messages: the tools the model called
   */
  record Message(
      String role, JsonNode content, String name, String toolCallId, List<ToolCall> toolCalls) {}

  /**
   * A tool call made by the model.
   *
   * @param id its id, echoed by the tool message that answers it
   * @param type always {@code function}
   * @param function the function and its JSON arguments
   */
  record ToolCall(String id, String type, FunctionCall function) {}

  /**
   * @param name the function called
   * @param arguments its arguments, a JSON text
   */
  record FunctionCall(String name, String arguments) {}

  /**
   * A tool the model may call.
   *
   * @param type always {@code function}
   * @param function the function's declaration
   */
  record Tool(String type, FunctionSpec function) {}

  /**
   * @param name the function's name
   * @param description what it does
   * @param parameters its JSON schema
   * @param strict whether arguments must follow the schema exactly
   */
  record FunctionSpec(String name, String description, JsonNode parameters, Boolean strict) {}

  /**
   * @param includeUsage whether a last chunk carries the usage
   */
  record StreamOptions(Boolean includeUsage) {}

  /**
   * Hi-MoE's per-request options (the {@code himoe} body object), each capped by the server's.
   *
   * @param deadlineMs the most time the request may take, in ms
   * @param maxCost the most it may spend, in cost units
   * @param sessionId the conversation's session id
   */
  record HimoeOptions(Long deadlineMs, Double maxCost, String sessionId) {}
}
