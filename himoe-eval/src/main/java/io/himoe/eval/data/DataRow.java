package io.himoe.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One row of a data file: its fields by name (CSV cells become JSON strings) and where it came
 * from, so that every later complaint can name the file and line.
 *
 * @param file the file the row was read from
 * @param line the 1-based line where the row starts
 * @param fields the row's fields, in file order
 */
public record DataRow(Path file, int line, Map<String, JsonNode> fields) {

  /** Copies the fields. */
  public DataRow {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /**
   * @param field the field name
   * @return the field's text, not blank
   * @throws DataError if the field is missing, not a string, or blank
   */
  public String text(String field) {
    JsonNode v = require(field);
    if (!v.isTextual()) {
      throw error(field, "expected a string, found " + describe(v));
    }
    if (v.asText().isBlank()) {
      throw error(field, "is empty");
    }
    return v.asText();
  }

  /**
   * @param field the field name
   * @return the field as a JSON object
   * @throws DataError if the field is missing or not an object
   */
  public ObjectNode object(String field) {
    JsonNode v = require(field);
    if (!(v instanceof ObjectNode o)) {
      throw error(field, "expected an object, found " + describe(v));
    }
    return o;
  }

  /**
   * @param field the field name, for the message
   * @param problem what is wrong
   * @return an error naming this row's file, line and the field
   */
  public DataError error(String field, String problem) {
    return new DataError(file, line, field, problem);
  }

  private JsonNode require(String field) {
    JsonNode v = fields.get(field);
    if (v == null || v.isNull() || v.isMissingNode()) {
      throw error(field, "is missing (fields present: " + String.join(", ", fields.keySet()) + ")");
    }
    return v;
  }

  static String describe(JsonNode v) {
    String s = v.toString();
    return v.getNodeType().name().toLowerCase(Locale.ROOT)
        + " "
        + (s.length() > 40 ? s.substring(0, 40) + "…" : s);
  }
}
