package io.himoe.shared;

/** Whether and which tool a model must call (OpenAI's {@code tool_choice}). */
public sealed interface ToolChoice {

  /** The model decides (the default when tools are given). */
  record Auto() implements ToolChoice {}

  /** The model must not call a tool. */
  record None() implements ToolChoice {}

  /** The model must call at least one tool. */
  record Required() implements ToolChoice {}

  /**
   * The model must call this function.
   *
   * @param name the function's name
   */
  record Function(String name) implements ToolChoice {
    /** Validates. */
    public Function {
      if (name == null || name.isBlank()) {
        throw new MoeError.InvalidInput("tool_choice function name is empty");
      }
    }
  }

  /** The model decides. */
  ToolChoice AUTO = new Auto();

  /** No tool calls. */
  ToolChoice NONE = new None();

  /** At least one tool call. */
  ToolChoice REQUIRED = new Required();
}
