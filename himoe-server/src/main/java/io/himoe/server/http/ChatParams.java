package io.himoe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.shared.GenerationParams;
import io.himoe.shared.ResponseFormat;
import io.himoe.shared.ToolChoice;
import io.himoe.shared.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a chat request's OpenAI parameters and turns them into {@link GenerationParams}. Every
 * refusal is a 400 naming the parameter, as OpenAI answers: a value out of range, a malformed tool,
 * {@code n} above 1, {@code stream_options} without {@code stream}.
 */
final class ChatParams {

  private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private ChatParams() {}

  /**
   * @param r the request
   * @return its generation parameters
   * @throws ApiError 400 naming the parameter at fault
   */
  static GenerationParams from(ChatRequest r) {
    GenerationParams.Builder b = GenerationParams.builder();
    if (r.temperature() != null) {
      b.temperature(range("temperature", r.temperature(), 0, 2));
    }
    if (r.topP() != null) {
      b.topP(range("top_p", r.topP(), 0, 1));
    }
    if (r.presencePenalty() != null) {
      b.presencePenalty(range("presence_penalty", r.presencePenalty(), -2, 2));
    }
    if (r.frequencyPenalty() != null) {
      b.frequencyPenalty(range("frequency_penalty", r.frequencyPenalty(), -2, 2));
    }
    if (r.n() != null && r.n() != 1) {
      throw ApiError.invalid("n", "only one choice per request is supported (n = 1), got " + r.n());
    }
    maxTokens(r).ifPresent(b::maxTokens);
    b.stop(stop(r.stop()));
    if (r.seed() != null) {
      b.seed(r.seed());
    }
    if (r.user() != null) {
      b.user(r.user());
    }
    List<ToolSpec> tools = tools(r.tools());
    b.tools(tools);
    b.toolChoice(toolChoice(r.toolChoice(), tools));
    b.responseFormat(responseFormat(r.responseFormat()));
    if (r.logprobs() != null) {
      b.logprobs(r.logprobs());
    }
    if (r.topLogprobs() != null) {
      if (!Boolean.TRUE.equals(r.logprobs())) {
        throw ApiError.invalid("top_logprobs", "needs logprobs: true");
      }
      b.topLogprobs((int) range("top_logprobs", r.topLogprobs(), 0, 20));
    }
    if (r.parallelToolCalls() != null) {
      b.parallelToolCalls(r.parallelToolCalls());
    }
    if (r.streamOptions() != null && !r.streams()) {
      throw ApiError.invalid("stream_options", "only allowed when stream is true");
    }
    return b.build();
  }

  private static double range(String param, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw ApiError.invalid(
          param, "expected a number in [" + num(lo) + ", " + num(hi) + "], got " + num(v));
    }
    return v;
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static Optional<Integer> maxTokens(ChatRequest r) {
    Integer legacy = r.maxTokens();
    Integer current = r.maxCompletionTokens();
    if (legacy != null && current != null && !legacy.equals(current)) {
      throw ApiError.invalid(
          "max_tokens", "max_tokens and max_completion_tokens disagree; send one of them");
    }
    Integer n = current != null ? current : legacy;
    String param = current != null ? "max_completion_tokens" : "max_tokens";
    if (n != null && n <= 0) {
      throw ApiError.invalid(param, "expected an integer > 0, got " + n);
    }
    return Optional.ofNullable(n);
  }

  private static List<String> stop(JsonNode stop) {
    if (stop == null || stop.isNull()) {
      return List.of();
    }
    if (stop.isTextual()) {
      return List.of(stop.textValue());
    }
    if (!stop.isArray() || stop.size() > 4) {
      throw ApiError.invalid("stop", "expected a string or an array of up to 4 strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < stop.size(); i++) {
      if (!stop.get(i).isTextual() || stop.get(i).textValue().isEmpty()) {
        throw ApiError.invalid("stop[" + i + "]", "expected a non-empty string");
      }
      out.add(stop.get(i).textValue());
    }
    return out;
  }

  private static List<ToolSpec> tools(List<ChatRequest.Tool> tools) {
    if (tools == null) {
      return List.of();
    }
    List<ToolSpec> out = new ArrayList<>(tools.size());
    for (int i = 0; i < tools.size(); i++) {
      ChatRequest.Tool t = tools.get(i);
      String at = "tools[" + i + "]";
      if (t == null || !"function".equals(t.type())) {
        throw ApiError.invalid(at + ".type", "expected 'function'");
      }
      ChatRequest.FunctionSpec f = t.function();
      if (f == null || f.name() == null || !FUNCTION_NAME.matcher(f.name()).matches()) {
        throw ApiError.invalid(
            at + ".function.name", "expected 1 to 64 letters, digits, '_' or '-'");
      }
      if (f.parameters() != null && !f.parameters().isObject()) {
        throw ApiError.invalid(at + ".function.parameters", "expected a JSON schema object");
      }
      if (out.stream().anyMatch(s -> s.name().equals(f.name()))) {
        throw ApiError.invalid(at + ".function.name", "'" + f.name() + "' is declared twice");
      }
      out.add(
          new ToolSpec(
              f.name(),
              Optional.ofNullable(f.description()),
              Optional.ofNullable(f.parameters()),
              Boolean.TRUE.equals(f.strict())));
    }
    return out;
  }

  private static ToolChoice toolChoice(JsonNode c, List<ToolSpec> tools) {
    if (c == null || c.isNull()) {
      return ToolChoice.AUTO;
    }
    if (tools.isEmpty()) {
      throw ApiError.invalid("tool_choice", "only allowed when tools are given");
    }
    if (c.isTextual()) {
      return switch (c.textValue()) {
        case "auto" -> ToolChoice.AUTO;
        case "none" -> ToolChoice.NONE;
        case "required" -> ToolChoice.REQUIRED;
        default ->
            throw ApiError.invalid(
                "tool_choice", "expected 'auto', 'none', 'required' or {type: function, ...}");
      };
    }
    JsonNode name = c.path("function").path("name");
    if (!c.path("type").asText().equals("function") || !name.isTextual()) {
      throw ApiError.invalid(
          "tool_choice", "expected {\"type\": \"function\", \"function\": {\"name\": ...}}");
    }
    if (tools.stream().noneMatch(t -> t.name().equals(name.textValue()))) {
      throw ApiError.invalid(
          "tool_choice", "names '" + name.textValue() + "', which is not one of the tools");
    }
    return new ToolChoice.Function(name.textValue());
  }

  private static ResponseFormat responseFormat(JsonNode f) {
    if (f == null || f.isNull()) {
      return ResponseFormat.TEXT;
    }
    String type = f.path("type").asText("");
    return switch (type) {
      case "text" -> ResponseFormat.TEXT;
      case "json_object" -> ResponseFormat.JSON_OBJECT;
      case "json_schema" -> {
        JsonNode s = f.path("json_schema");
        if (!s.path("name").isTextual() || s.get("name").textValue().isBlank()) {
          throw ApiError.invalid("response_format.json_schema.name", "expected a name");
        }
        if (!s.path("schema").isObject()) {
          throw ApiError.invalid("response_format.json_schema.schema", "expected a JSON schema");
        }
        yield new ResponseFormat.JsonSchema(
            s.get("name").textValue(), s.get("schema"), s.path("strict").asBoolean(false));
      }
      default ->
          throw ApiError.invalid(
              "response_format.type", "expected 'text', 'json_object' or 'json_schema'");
    };
  }
}
