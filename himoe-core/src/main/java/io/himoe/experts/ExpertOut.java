package io.himoe.experts;

import io.himoe.shared.Value;
import java.util.Objects;

/**
 * An expert's answer.
 *
 * @param value the answer
 * @param aux latency, cost, confidence, trace id
 */
public record ExpertOut(Value value, ExpertAux aux) {
  /** Validates. */
  public ExpertOut {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(aux, "aux");
  }

  /**
   * @param value the answer
   * @param costUnits cost in cost units
   * @param confidence confidence in [0, 1]
   * @return the output
   */
  public static ExpertOut of(Value value, double costUnits, double confidence) {
    return new ExpertOut(value, ExpertAux.of(costUnits, confidence));
  }
}
