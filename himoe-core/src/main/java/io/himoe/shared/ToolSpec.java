package io.himoe.shared;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A function a model may call.
 *
 * @param name the function's name
 * @param description what it does, for the model
 * @param parameters its arguments' JSON schema (an object schema), if any
 * @param strict whether the model must follow the schema exactly
 */
public record ToolSpec(
    String name, Optional<String> description, Optional<JsonNode> parameters, boolean strict) {
  /** Validates. */
  public ToolSpec {
    if (name == null || name.isBlank()) {
      throw new MoeError.InvalidInput("tool name is empty");
    }
    Objects.requireNonNull(description, "description");
    parameters = Objects.requireNonNull(parameters, "parameters").map(JsonNode::deepCopy);
  }
}
