package io.himoe.runtime.complexity;

import java.util.EnumMap;

/** The seed's weighted sum of factor scores. */
final class RuleComplexityAssessor implements ComplexityAssessor {

  private static final ComplexityFactor[] FACTORS = ComplexityFactor.values();

  private final ComplexityConfig config;
  // Weights in factor order, read on every request without map lookups.
  private final double[] weights;

  RuleComplexityAssessor(ComplexityConfig config) {
    this.config = config;
    this.weights = new double[FACTORS.length];
    for (ComplexityFactor f : FACTORS) {
      weights[f.ordinal()] = config.weight(f);
    }
  }

  @Override
  public Complexity assess(String prompt) {
    double[] scores = PromptFactors.score(prompt);
    double sum = 0;
    EnumMap<ComplexityFactor, Double> factors = new EnumMap<>(ComplexityFactor.class);
    for (ComplexityFactor f : FACTORS) {
      double s = scores[f.ordinal()];
      factors.put(f, s);
      sum += s * weights[f.ordinal()];
    }
    double score = Math.min(1.0, Math.max(0.0, sum));
    return new Complexity(score, config.levelOf(score), factors);
  }

  @Override
  public String toString() {
    return "RuleComplexityAssessor" + config;
  }
}
