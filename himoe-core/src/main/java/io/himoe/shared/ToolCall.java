package io.himoe.shared;

import java.util.Objects;

/**
 * A function call made by a model: the client runs the function and answers with a {@link
 * Message.Role#TOOL} message carrying the same id.
 *
 * @param id the call's id
 * @param name the function's name
 * @param arguments the arguments, a JSON text
 */
public record ToolCall(String id, String name, String arguments) {
  /** Validates. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    arguments = arguments == null ? "{}" : arguments;
  }
}
