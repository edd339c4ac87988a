package io.himoe.runtime.complexity;

import java.util.Objects;

/**
 * Assesses how complex a prompt is. One method to implement; {@link #ofDefaults()} is the seed's
 * rule-based assessment, {@link LearnedComplexityAssessor} a trained one. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface ComplexityAssessor {

  /**
   * @param prompt the request text
   * @return its score, level and factor breakdown
   * @throws IllegalArgumentException if the prompt is null
   */
  Complexity assess(String prompt);

  /**
   * @return the seed's rule-based assessment with its default weights
   */
  static ComplexityAssessor ofDefaults() {
    return of(ComplexityConfig.ofDefaults());
  }

  /**
   * @param config weights and thresholds
   * @return a rule-based assessment with that configuration
   */
  static ComplexityAssessor of(ComplexityConfig config) {
    return new RuleComplexityAssessor(Objects.requireNonNull(config, "config"));
  }
}
