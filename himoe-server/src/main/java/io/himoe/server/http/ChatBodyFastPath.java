package io.himoe.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/**
 * Reads the common chat body — {@code model}, {@code messages} of {@code {role, content, name}}
 * with string values, {@code stream}, {@code user}, a decimal {@code temperature}, an integer
 * {@code max_tokens} — token by token, without databind's property buffer and creator. Anything
 * else (another field, another type, a null, a duplicate, content parts, trailing data, malformed
 * JSON) is not read here: {@link #read} answers {@code null} and the body goes through databind,
 * which gives the same record for what this reads and every refusal and its wording for the rest.
 * ChatBodyFastPathTest compares the two on generated bodies.
 */
final class ChatBodyFastPath {

  private static final int MODEL = 1;
  private static final int MESSAGES = 2;
  private static final int STREAM = 4;
  private static final int USER = 8;
  private static final int TEMPERATURE = 16;
  private static final int MAX_TOKENS = 32;

  private ChatBodyFastPath() {}

  /**
   * @param bytes a request body
   * @return the request, or {@code null} when the body holds anything this does not read (the
   *     caller then reads it with databind)
   */
  static @Nullable ChatRequest read(byte[] bytes) {
    try (JsonParser p = JsonBodies.createStrictParser(bytes)) {
      return request(p);
    } catch (IOException | RuntimeException e) {
      // Malformed or unusual: databind reads it again and says what is wrong.
      return null;
    }
  }

  // The request records are filled by databind, which leaves every absent field null: so are they
  // here, outside the nullness checker.
  @NullUnmarked
  private static @Nullable ChatRequest request(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    String model = null;
    List<ChatRequest.Message> messages = null;
    Boolean stream = null;
    String user = null;
    Double temperature = null;
    Integer maxTokens = null;
    int seen = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      int bit;
      switch (field) {
        case "model" -> {
          bit = MODEL;
          model = string(p, v);
        }
        case "messages" -> {
          bit = MESSAGES;
          messages = v == JsonToken.START_ARRAY ? messages(p) : null;
        }
        case "stream" -> {
          bit = STREAM;
          stream =
              v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE ? p.getBooleanValue() : null;
        }
        case "user" -> {
          bit = USER;
          user = string(p, v);
        }
        case "temperature" -> {
          bit = TEMPERATURE;
          temperature = v == JsonToken.VALUE_NUMBER_FLOAT ? p.getDoubleValue() : null;
        }
        case "max_tokens" -> {
          bit = MAX_TOKENS;
          boolean isInt =
              v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
          maxTokens = isInt ? p.getIntValue() : null;
        }
        default -> {
          return null;
        }
      }
      // A value of another type (or a null) left the field null; a field given twice: databind's.
      boolean read =
          switch (bit) {
            case MODEL -> model != null;
            case MESSAGES -> messages != null;
            case STREAM -> stream != null;
            case USER -> user != null;
            case TEMPERATURE -> temperature != null;
            default -> maxTokens != null;
          };
      if (!read || (seen & bit) != 0) {
        return null;
      }
      seen |= bit;
    }
    if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
      return null;
    }
    return new ChatRequest(
        model,
        messages,
        stream,
        null,
        temperature,
        null,
        null,
        maxTokens,
        null,
        null,
        null,
        null,
        null,
        user,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static @Nullable String string(JsonParser p, @Nullable JsonToken v) throws IOException {
    return v == JsonToken.VALUE_STRING ? p.getText() : null;
  }

  /** The messages, or null at the first value this does not read. */
  @NullUnmarked
  private static @Nullable List<ChatRequest.Message> messages(JsonParser p) throws IOException {
    List<ChatRequest.Message> out = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
      String role = null;
      JsonNode content = null;
      String name = null;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        String value = string(p, p.nextToken());
        if (value == null) {
          return null;
        }
        switch (field) {
          case "role" -> {
            if (role != null) {
              return null;
            }
            role = value;
          }
          case "content" -> {
            if (content != null) {
              return null;
            }
            content = TextNode.valueOf(value);
          }
          case "name" -> {
            if (name != null) {
              return null;
            }
            name = value;
          }
          default -> {
            return null;
          }
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return null;
      }
      out.add(new ChatRequest.Message(role, content, name, null, null));
    }
    return t == JsonToken.END_ARRAY ? out : null;
  }
}
