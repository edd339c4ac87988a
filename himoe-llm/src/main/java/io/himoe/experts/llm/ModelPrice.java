package io.himoe.experts.llm;

/**
 * What a model costs, in cost units per million tokens (for hosted models usually dollars; for a
 * local model whatever unit the deployment budgets in, e.g. GPU-seconds scaled to tokens).
 *
 * @param inputPerMillion cost units per million prompt (input) tokens, finite and >= 0
 * @param outputPerMillion cost units per million completion (output) tokens, finite and >= 0
 */
public record ModelPrice(double inputPerMillion, double outputPerMillion) {

  private static final ModelPrice FREE = new ModelPrice(0, 0);

  /** Validates. */
  public ModelPrice {
    check("inputPerMillion", inputPerMillion);
    check("outputPerMillion", outputPerMillion);
  }

  /**
   * @param inputPerMillion cost units per million input tokens
   * @param outputPerMillion cost units per million output tokens
   * @return the price
   */
  public static ModelPrice of(double inputPerMillion, double outputPerMillion) {
    return new ModelPrice(inputPerMillion, outputPerMillion);
  }

  /**
   * @return a zero price (a local model whose cost is not budgeted)
   */
  public static ModelPrice free() {
    return FREE;
  }

  /**
   * @param inputTokens prompt tokens, >= 0
   * @param outputTokens completion tokens, >= 0
   * @return the cost of a call in cost units
   */
  public double cost(long inputTokens, long outputTokens) {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got input=" + inputTokens + " output=" + outputTokens);
    }
    return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
  }

  private static void check(String field, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(field + " must be finite and >= 0, got " + v);
    }
  }
}
