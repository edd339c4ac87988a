package io.himoe.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.OptionalDouble;

/** The one-line JSON results: numbers rounded to six decimals, undefined values as null. */
final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  static void put(ObjectNode o, String key, double v) {
    o.put(key, round(v));
  }

  static void put(ObjectNode o, String key, OptionalDouble v) {
    if (v.isPresent()) {
      o.put(key, round(v.getAsDouble()));
    } else {
      o.putNull(key);
    }
  }

  static String line(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pretty(ObjectNode o) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
