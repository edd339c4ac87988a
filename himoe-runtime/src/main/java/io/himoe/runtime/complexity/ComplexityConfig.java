package io.himoe.runtime.complexity;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Weights of the factors and the level thresholds. The seed's defaults: length 0.1, task type 0.3,
 * specificity 0.2, reasoning 0.3, constraints 0.1; HIGH above 0.7, MEDIUM above 0.4.
 *
 * @param weights a non-negative weight per factor (missing factors weigh 0); they need not sum to
 *     1, the score is clamped to [0, 1]
 * @param mediumAbove a score strictly above this is at least MEDIUM
 * @param highAbove a score strictly above this is HIGH
 */
public record ComplexityConfig(
    Map<ComplexityFactor, Double> weights, double mediumAbove, double highAbove) {

  /** Validates. */
  public ComplexityConfig {
    Objects.requireNonNull(weights, "weights");
    EnumMap<ComplexityFactor, Double> copy = new EnumMap<>(ComplexityFactor.class);
    for (ComplexityFactor f : ComplexityFactor.values()) {
      Double w = weights.get(f);
      double v = w == null ? 0.0 : w;
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(
            "complexity weight " + f + " must be finite and >= 0, got " + v);
      }
      copy.put(f, v);
    }
    weights = Collections.unmodifiableMap(copy);
    if (!(mediumAbove >= 0 && mediumAbove <= highAbove && highAbove <= 1)) {
      throw new IllegalArgumentException(
          "complexity thresholds need 0 <= mediumAbove <= highAbove <= 1, got mediumAbove="
              + mediumAbove
              + " highAbove="
              + highAbove);
    }
  }

  /**
   * @return the seed's weights and thresholds
   */
  public static ComplexityConfig ofDefaults() {
    return new ComplexityConfig(
        Map.of(
            ComplexityFactor.LENGTH, 0.1,
            ComplexityFactor.TASK_TYPE, 0.3,
            ComplexityFactor.SPECIFICITY, 0.2,
            ComplexityFactor.REASONING, 0.3,
            ComplexityFactor.CONSTRAINTS, 0.1),
        0.4,
        0.7);
  }

  /**
   * @param factor the factor
   * @param weight its new weight, finite and &gt;= 0
   * @return a copy with that weight
   */
  public ComplexityConfig withWeight(ComplexityFactor factor, double weight) {
    EnumMap<ComplexityFactor, Double> w = new EnumMap<>(weights);
    w.put(factor, weight);
    return new ComplexityConfig(w, mediumAbove, highAbove);
  }

  /**
   * @param medium the MEDIUM threshold
   * @param high the HIGH threshold
   * @return a copy with those thresholds
   */
  public ComplexityConfig withThresholds(double medium, double high) {
    return new ComplexityConfig(weights, medium, high);
  }

  /**
   * @param score a score in [0, 1]
   * @return its level under these thresholds
   */
  public ComplexityLevel levelOf(double score) {
    if (score > highAbove) {
      return ComplexityLevel.HIGH;
    }
    return score > mediumAbove ? ComplexityLevel.MEDIUM : ComplexityLevel.LOW;
  }

  /**
   * @param factor a factor
   * @return its weight
   */
  public double weight(ComplexityFactor factor) {
    return Objects.requireNonNull(weights.get(factor), "every factor has a weight");
  }
}
