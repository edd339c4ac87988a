package io.himoe.runtime.complexity;

import java.util.Objects;

/**
 * Feedback for the learned assessor: the level a request turned out to need (for example, the small
 * model's answer was rejected and the large one's accepted: HIGH).
 *
 * @param prompt the request text
 * @param needed the level it needed
 */
public record ComplexityExample(String prompt, ComplexityLevel needed) {
  /** Validates. */
  public ComplexityExample {
    if (prompt == null || prompt.isBlank()) {
      throw new IllegalArgumentException("example prompt is empty");
    }
    Objects.requireNonNull(needed, "needed");
  }
}
