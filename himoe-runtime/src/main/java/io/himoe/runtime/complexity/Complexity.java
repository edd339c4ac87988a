package io.himoe.runtime.complexity;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of a complexity assessment.
 *
 * @param score the weighted score in [0, 1]
 * @param level the level the score falls in
 * @param factors each factor's own score in [0, 1] (unmodifiable)
 */
public record Complexity(
    double score, ComplexityLevel level, Map<ComplexityFactor, Double> factors) {

  /** Validates and freezes the factor map. */
  public Complexity {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("complexity score must be in [0, 1], got " + score);
    }
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(factors, "factors");
    factors =
        factors.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new EnumMap<ComplexityFactor, Double>(factors));
  }

  /**
   * @param factor a factor
   * @return its score, or 0 when the assessment did not compute it
   */
  public double factor(ComplexityFactor factor) {
    Double v = factors.get(factor);
    return v == null ? 0.0 : v;
  }

  /**
   * @return a one-line form for logs, e.g. {@code HIGH 0.74 {LENGTH=0.2, ...}}
   */
  public String describe() {
    StringBuilder sb = new StringBuilder(64);
    sb.append(level).append(' ').append(Math.round(score * 100) / 100.0).append(' ').append('{');
    boolean first = true;
    for (Map.Entry<ComplexityFactor, Double> e : factors.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append('=').append(Math.round(e.getValue() * 100) / 100.0);
    }
    return sb.append('}').toString();
  }
}
