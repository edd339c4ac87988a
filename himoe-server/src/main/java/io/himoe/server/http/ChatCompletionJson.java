package io.himoe.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Writes a {@link ChatCompletion} field by field with the API mapper's generator: the same bytes as
 * {@code JsonBodies.MAPPER.writeValueAsBytes(completion)} (snake_case, record order, {@code
 * NON_EMPTY}/{@code NON_NULL} where the records say so), without the reflective property access
 * that made up most of the cost of writing every chat reply. Rare parts (tool calls, log
 * probabilities) go through the mapper.
 */
final class ChatCompletionJson {

  private ChatCompletionJson() {}

  /**
   * @param c a completion
   * @return its JSON, UTF-8
   * @throws IOException never in practice (the bytes go to memory)
   */
  static byte[] bytes(ChatCompletion c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JsonBodies.MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", c.id());
      g.writeStringField("object", c.object());
      g.writeNumberField("created", c.created());
      g.writeStringField("model", c.model());
      g.writeArrayFieldStart("choices");
      for (ChatCompletion.Choice choice : c.choices()) {
        choice(g, choice);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", c.usage().promptTokens());
      g.writeNumberField("completion_tokens", c.usage().completionTokens());
      g.writeNumberField("total_tokens", c.usage().totalTokens());
      g.writeEndObject();
      g.writeStringField("trace_id", c.traceId());
      summary(g, c.himoe());
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private static void choice(JsonGenerator g, ChatCompletion.Choice choice) throws IOException {
    g.writeStartObject();
    g.writeNumberField("index", choice.index());
    g.writeObjectFieldStart("message");
    g.writeStringField("role", choice.message().role());
    g.writeStringField("content", choice.message().content());
    List<ChatRequest.ToolCall> calls = choice.message().toolCalls();
    if (!calls.isEmpty()) {
      g.writeFieldName("tool_calls");
      g.writeObject(calls);
    }
    g.writeEndObject();
    g.writeStringField("finish_reason", choice.finishReason());
    g.writeFieldName("logprobs");
    com.fasterxml.jackson.databind.JsonNode logprobs = choice.logprobs();
    if (logprobs == null) {
      g.writeNull();
    } else {
      g.writeTree(logprobs);
    }
    g.writeEndObject();
  }

  private static void summary(JsonGenerator g, ChatCompletion.Summary s) throws IOException {
    g.writeObjectFieldStart("himoe");
    g.writeStringField("router", s.router());
    g.writeArrayFieldStart("experts");
    for (String e : s.experts()) {
      g.writeString(e);
    }
    g.writeEndArray();
    g.writeNumberField("latency_ms", s.latencyMs());
    g.writeNumberField("cost_units", s.costUnits());
    g.writeNumberField("drop_count", s.dropCount());
    g.writeNumberField("dropped_messages", s.droppedMessages());
    String answer = s.answer();
    if (answer != null) {
      g.writeStringField("answer", answer);
    }
    Integer streamed = s.streamedTokens();
    if (streamed != null) {
      g.writeNumberField("streamed_tokens", streamed.intValue());
    }
    ChatSessions.Note session = s.session();
    if (session != null) {
      // Every chat has one while sessions are on: written here, not through the mapper.
      g.writeObjectFieldStart("session");
      g.writeStringField("id", session.id());
      g.writeStringField("decision", session.decision());
      g.writeStringField("reason", session.reason());
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}
