package io.himoe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Reads the conversation of a chat request, naming the message at fault when it is malformed. */
final class Conversations {

  private Conversations() {}

  /**
   * @param messages the request's messages
   * @return the text of the last user message
   * @throws ApiError 400 naming the message at fault
   */
  static String lastUserText(List<ChatRequest.Message> messages) {
    if (messages == null || messages.isEmpty()) {
      throw ApiError.invalid("messages", "expected a non-empty array of {role, content}");
    }
    String last = null;
    for (int i = 0; i < messages.size(); i++) {
      ChatRequest.Message m = messages.get(i);
      if (m == null || m.role() == null) {
        throw ApiError.invalid("messages[" + i + "].role", "expected a text role");
      }
      if (m.role().equals("user")) {
        last = text(m.content(), "messages[" + i + "].content");
      }
    }
    if (last == null) {
      throw ApiError.invalid("messages", "expected at least one message with role 'user'");
    }
    if (last.isBlank()) {
      throw ApiError.invalid("messages", "the last user message is empty");
    }
    return last;
  }

  private static String text(JsonNode c, String path) {
    if (c != null && c.isTextual()) {
      return c.textValue();
    }
    if (c != null && c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        if (part.path("type").asText().equals("text") && part.path("text").isTextual()) {
          if (!sb.isEmpty()) {
            sb.append('\n');
          }
          sb.append(part.get("text").textValue());
        }
      }
      if (!sb.isEmpty()) {
        return sb.toString();
      }
    }
    throw ApiError.invalid(path, "expected text or an array of {type: text, text} parts");
  }
}
