package io.himoe.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads request bodies into request records, strictly: a JSON object, no trailing data, no unknown
 * fields (unless a route drops them), no type coercion ({@code "1"} is not a number, {@code 1} is
 * not a string). Every refusal is an {@link ApiError} naming the field at fault ({@code param}).
 */
final class JsonBodies {

  /** The API's JSON: snake_case fields, ISO dates, optional values as present-or-null. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder(factory())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private static final ObjectMapper STRICT = strict();

  // Readers are immutable and thread-safe; made once per body type instead of per request.
  private static final ClassValue<ObjectReader> STRICT_READERS =
      new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
          return STRICT.readerFor(type);
        }
      };
  private static final ClassValue<ObjectReader> LENIENT_READERS =
      new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
          return STRICT.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        }
      };

  private final long maxBody;

  JsonBodies(long maxBody) {
    this.maxBody = maxBody;
  }

  long maxBody() {
    return maxBody;
  }

  /**
   * Reads the request body into a record, refusing unknown fields.
   *
   * @param ctx the request
   * @param type the record type
   * @return the record
   * @throws ApiError 400/413/415 naming the problem
   */
  <T> T read(Context ctx, Class<T> type) throws IOException {
    return read(ctx, type, false);
  }

  /**
   * Reads the request body into a record.
   *
   * @param ctx the request
   * @param type the record type
   * @param dropUnknown whether unknown fields are ignored instead of refused
   * @return the record
   * @throws ApiError 400/413/415 naming the problem
   */
  <T> T read(Context ctx, Class<T> type, boolean dropUnknown) throws IOException {
    return parse(bytes(ctx), type, dropUnknown);
  }

  /**
   * Reads a chat request body: the common shape token by token ({@link ChatBodyFastPath}), anything
   * else through databind as {@link #read(Context, Class, boolean)} does.
   *
   * @param ctx the request
   * @param dropUnknown whether unknown fields are ignored instead of refused
   * @return the request
   * @throws ApiError 400/413/415 naming the problem
   */
  ChatRequest readChat(Context ctx, boolean dropUnknown) throws IOException {
    return parseChat(bytes(ctx), dropUnknown);
  }

  static ChatRequest parseChat(byte[] bytes, boolean dropUnknown) {
    ChatRequest fast = bytes.length == 0 ? null : ChatBodyFastPath.read(bytes);
    return fast != null ? fast : parse(bytes, ChatRequest.class, dropUnknown);
  }

  /** A parser of the strict mapper's factory (its features and buffer pool). */
  static JsonParser createStrictParser(byte[] bytes) throws IOException {
    return STRICT.createParser(bytes);
  }

  static <T> T parse(byte[] bytes, Class<T> type, boolean dropUnknown) {
    if (bytes.length == 0) {
      throw new ApiError(400, "invalid_json", "request body is empty; expected a JSON object");
    }
    ObjectReader reader = (dropUnknown ? LENIENT_READERS : STRICT_READERS).get(type);
    try (JsonParser p = STRICT.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ApiError(400, "invalid_json", "request body must be a JSON object");
      }
      T value = reader.readValue(p);
      trailing(p);
      if (value instanceof Validated v) {
        v.validate();
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw unknownField(e);
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof ApiError api) {
        throw api;
      }
      throw mismatch(e);
    } catch (JsonMappingException e) {
      throw mismatch(e);
    } catch (JsonProcessingException e) {
      throw new ApiError(
          400,
          "invalid_json",
          "request body is not valid JSON" + at(e) + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiError(400, "invalid_json", "request body could not be read: " + e.getMessage());
    }
  }

  /** Refuses anything but whitespace after the JSON object (a second value, stray characters). */
  private static void trailing(JsonParser p) throws IOException {
    JsonLocation end = p.currentLocation();
    try {
      if (p.nextToken() == null) {
        return;
      }
    } catch (JsonProcessingException e) {
      // Garbage that is not even a JSON token: the same refusal.
    }
    throw new ApiError(
        400,
        "invalid_json",
        "request body has trailing data after the JSON object (line "
            + end.getLineNr()
            + ", column "
            + end.getColumnNr()
            + "); send exactly one JSON object");
  }

  private byte[] bytes(Context ctx) throws IOException {
    String ct = ctx.contentType();
    if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(
          415, "unsupported_media_type", "Content-Type must be application/json, got " + ct);
    }
    long len = ctx.req().getContentLengthLong();
    if (len > maxBody) {
      throw tooLarge(maxBody);
    }
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      // A declared length is read into an array of that size at once; a chunked body (no length)
      // grows in steps up to the limit.
      bytes =
          len >= 0
              ? in.readNBytes((int) len)
              : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
    }
    if (bytes.length > maxBody) {
      throw tooLarge(maxBody);
    }
    return bytes;
  }

  static ApiError tooLarge(long maxBody) {
    return new ApiError(
        413, "payload_too_large", "request body is larger than the limit of " + maxBody + " bytes");
  }

  private static ApiError unknownField(UnrecognizedPropertyException e) {
    String path = path(e);
    Collection<Object> known = e.getKnownPropertyIds();
    String expected =
        known == null || known.isEmpty()
            ? ""
            : " (expected "
                + String.join(", ", known.stream().map(Object::toString).sorted().toList())
                + ")";
    return new ApiError(400, "unknown_parameter", path, path + ": unknown field" + expected);
  }

  private static ApiError mismatch(JsonMappingException e) {
    if (e.getCause() instanceof JsonProcessingException syntax
        && !(syntax instanceof JsonMappingException)) {
      return new ApiError(
          400,
          "invalid_json",
          "request body is not valid JSON" + at(syntax) + ": " + syntax.getOriginalMessage());
    }
    String path = path(e);
    if (path.isEmpty()) {
      return new ApiError(400, "invalid_json", "request body must be a JSON object");
    }
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    return ApiError.invalid(path, "expected " + describe(target));
  }

  /** The field path of a mapping error, e.g. {@code messages[2].content}. */
  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String describe(@Nullable Class<?> t) {
    if (t == null) {
      return "another type";
    }
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "an integer";
    }
    if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
      return "a number";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "true or false";
    }
    if (t == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(t) || t.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(t) || t.isRecord() || t == JsonNode.class) {
      return "an object";
    }
    if (t.isEnum()) {
      Object[] values = t.getEnumConstants();
      return "one of "
          + String.join(
              ", ",
              java.util.Arrays.stream(values)
                  .map(v -> v.toString().toLowerCase(Locale.ROOT))
                  .toList());
    }
    return "a " + t.getSimpleName();
  }

  private static String at(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  /**
   * Jackson's default keeps its parse and write buffers per thread; every request runs on a new
   * virtual thread, so each body read and each reply written allocated fresh buffers (~10 KB). A
   * shared pool hands them from one request to the next.
   */
  private static JsonFactory factory() {
    return JsonFactory.builder()
        .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
        .build();
  }

  private static ObjectMapper strict() {
    ObjectMapper m =
        JsonMapper.builder(factory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new Jdk8Module())
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    // A number or a boolean is not a string.
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return Objects.requireNonNull(m);
  }
}
