package io.himoe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.shared.ContentPart;
import io.himoe.shared.GenerationParams;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.MoeError;
import io.himoe.shared.ToolCall;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a chat request's {@code messages} into a typed {@link InputData.Conversation}, naming the
 * message and part at fault when one is malformed ({@code messages[2].content[0].image_url}).
 * Images come inline as {@code data:} URLs; {@code http(s)} image URLs are refused unless the
 * configuration allows them.
 */
final class Conversations {

  private final boolean remoteImages;
  private final int routeTurns;

  /**
   * @param remoteImages whether {@code http(s)} image URLs are accepted (passed on to experts)
   * @param routeTurns earlier turns routers read besides the last user turn
   */
  Conversations(boolean remoteImages, int routeTurns) {
    this.remoteImages = remoteImages;
    this.routeTurns = routeTurns;
  }

  /**
   * @param messages the request's messages
   * @param params the request's generation parameters
   * @return the conversation
   * @throws ApiError 400 naming the message at fault
   */
  InputData.Conversation from(List<ChatRequest.Message> messages, GenerationParams params) {
    if (messages == null || messages.isEmpty()) {
      throw ApiError.invalid("messages", "expected a non-empty array of {role, content}");
    }
    List<Message> out = new ArrayList<>(messages.size());
    Set<String> callIds = new HashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      out.add(message(messages.get(i), "messages[" + i + "]", callIds));
    }
    if (!hasUser(out)) {
      throw ApiError.invalid("messages", "expected at least one message with role 'user'");
    }
    try {
      InputData.Conversation c = new InputData.Conversation(out, params, routeTurns);
      Message last = c.lastUser();
      if (last.text().isBlank() && !last.hasImage()) {
        throw ApiError.invalid("messages", "the last user message is empty");
      }
      return c;
    } catch (MoeError.InvalidInput e) {
      throw ApiError.invalid("messages", e.getMessage());
    }
  }

  private static boolean hasUser(List<Message> messages) {
    for (Message m : messages) {
      if (m.role() == Message.Role.USER) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param messages the request's messages
   * @return the text of the last user message
   * @throws ApiError 400 naming the message at fault
   */
  String lastUserText(List<ChatRequest.Message> messages) {
    return from(messages, GenerationParams.DEFAULT).toText();
  }

  private Message message(ChatRequest.Message m, String path, Set<String> callIds) {
    if (m == null) {
      throw ApiError.invalid(path, "expected an object {role, content}");
    }
    Message.Role role = role(m.role(), path + ".role");
    List<ContentPart> parts = content(m.content(), path + ".content", role);
    List<ToolCall> calls = List.of();
    if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
      if (role != Message.Role.ASSISTANT) {
        throw ApiError.invalid(path + ".tool_calls", "only an assistant message calls tools");
      }
      calls = toolCalls(m.toolCalls(), path + ".tool_calls");
      calls.forEach(c -> callIds.add(c.id()));
    }
    Optional<String> callId = Optional.ofNullable(m.toolCallId());
    if (role == Message.Role.TOOL) {
      if (callId.isEmpty() || callId.get().isBlank()) {
        throw ApiError.invalid(path + ".tool_call_id", "a tool message needs the id of its call");
      }
      if (!callIds.contains(callId.get())) {
        throw ApiError.invalid(
            path + ".tool_call_id",
            "'" + callId.get() + "' answers no tool call of an earlier assistant message");
      }
    } else if (callId.isPresent()) {
      throw ApiError.invalid(path + ".tool_call_id", "only a tool message answers a tool call");
    }
    if (parts.isEmpty() && calls.isEmpty()) {
      throw ApiError.invalid(path + ".content", "expected text or content parts");
    }
    return new Message(role, parts, Optional.ofNullable(m.name()), callId, calls);
  }

  private static Message.Role role(String role, String path) {
    if (role == null) {
      throw ApiError.invalid(path, "expected one of system, developer, user, assistant, tool");
    }
    return switch (role) {
      case "system", "developer" -> Message.Role.SYSTEM;
      case "user" -> Message.Role.USER;
      case "assistant" -> Message.Role.ASSISTANT;
      case "tool" -> Message.Role.TOOL;
      default ->
          throw ApiError.invalid(
              path,
              "unknown role '" + role + "' (expected system, developer, user, assistant or tool)");
    };
  }

  private List<ContentPart> content(JsonNode c, String path, Message.Role role) {
    if (c == null || c.isNull()) {
      return List.of();
    }
    if (c.isTextual()) {
      return List.of(new ContentPart.Text(c.textValue()));
    }
    if (!c.isArray()) {
      throw ApiError.invalid(path, "expected a string or an array of content parts");
    }
    List<ContentPart> parts = new ArrayList<>(c.size());
    for (int j = 0; j < c.size(); j++) {
      parts.add(part(c.get(j), path + "[" + j + "]", role));
    }
    return parts;
  }

  private ContentPart part(JsonNode p, String path, Message.Role role) {
    String type = p.path("type").isTextual() ? p.get("type").textValue() : null;
    if (type == null) {
      throw ApiError.invalid(path + ".type", "expected 'text' or 'image_url'");
    }
    return switch (type) {
      case "text" -> {
        if (!p.path("text").isTextual()) {
          throw ApiError.invalid(path + ".text", "expected a string");
        }
        yield new ContentPart.Text(p.get("text").textValue());
      }
      case "image_url" -> {
        if (role != Message.Role.USER) {
          throw ApiError.invalid(path, "only user messages carry images");
        }
        JsonNode url = p.path("image_url").path("url");
        if (!url.isTextual()) {
          throw ApiError.invalid(path + ".image_url.url", "expected a data: or https: URL");
        }
        yield image(url.textValue(), path + ".image_url.url");
      }
      default ->
          throw ApiError.invalid(
              path + ".type",
              "content part type '" + type + "' is not supported (text, image_url)");
    };
  }

  private ContentPart image(String url, String path) {
    if (url.regionMatches(true, 0, "data:", 0, 5)) {
      int comma = url.indexOf(',');
      String meta = comma < 0 ? "" : url.substring(5, comma);
      if (comma < 0 || !meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
        throw ApiError.invalid(path, "expected data:image/<type>;base64,<data>");
      }
      String mediaType = meta.substring(0, meta.length() - 7).toLowerCase(Locale.ROOT);
      if (!mediaType.startsWith("image/")) {
        throw ApiError.invalid(path, "expected an image media type, got '" + mediaType + "'");
      }
      byte[] bytes;
      try {
        bytes = Base64.getMimeDecoder().decode(url.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        throw ApiError.invalid(path, "the image is not valid base64: " + e.getMessage());
      }
      if (bytes.length == 0) {
        throw ApiError.invalid(path, "the image is empty");
      }
      return new ContentPart.Image(bytes, mediaType);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ApiError.invalid(path, "not a valid URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ApiError.invalid(path, "expected a data: or https: URL");
    }
    if (!remoteImages) {
      throw ApiError.invalid(
          path,
          "image URLs are refused by this server (send the image inline as a data: URL, or set"
              + " server.images.remote_urls: true)");
    }
    return new ContentPart.ImageUrl(uri);
  }

  private static List<ToolCall> toolCalls(List<ChatRequest.ToolCall> calls, String path) {
    List<ToolCall> out = new ArrayList<>(calls.size());
    for (int k = 0; k < calls.size(); k++) {
      ChatRequest.ToolCall c = calls.get(k);
      String at = path + "[" + k + "]";
      if (c == null || c.id() == null || c.id().isBlank()) {
        throw ApiError.invalid(at + ".id", "expected the call's id");
      }
      if (c.type() != null && !c.type().equals("function")) {
        throw ApiError.invalid(at + ".type", "expected 'function'");
      }
      if (c.function() == null || c.function().name() == null) {
        throw ApiError.invalid(at + ".function.name", "expected the function's name");
      }
      out.add(new ToolCall(c.id(), c.function().name(), c.function().arguments()));
    }
    return out;
  }
}
