package io.himoe.shared;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** The form of a model's answer (OpenAI's {@code response_format}). */
public sealed interface ResponseFormat {

  /** Free text (the default). */
  record Text() implements ResponseFormat {}

  /** Any JSON object ("JSON mode"). */
  record JsonObject() implements ResponseFormat {}

  /**
   * JSON following a schema ("structured outputs").
   *
   * @param name the schema's name
   * @param schema the JSON schema
   * @param strict whether the model must follow the schema exactly
   */
  record JsonSchema(String name, JsonNode schema, boolean strict) implements ResponseFormat {
    /** Validates and copies. */
    public JsonSchema {
      if (name == null || name.isBlank()) {
        throw new MoeError.InvalidInput("json_schema name is empty");
      }
      schema = Objects.requireNonNull(schema, "schema").deepCopy();
    }
  }

  /** Free text. */
  ResponseFormat TEXT = new Text();

  /** JSON mode. */
  ResponseFormat JSON_OBJECT = new JsonObject();
}
