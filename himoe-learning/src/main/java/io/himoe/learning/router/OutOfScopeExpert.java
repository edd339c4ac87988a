package io.himoe.learning.router;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.Objects;

/**
 * The fallback for requests a fitted gate rejects as out of scope: it answers {@link
 * Value#none(String)} with a reason, at no cost, so the caller gets "I cannot route this" instead
 * of a wrong expert's answer. Register it and name it as the {@link NeuralRouter} fallback (it must
 * also be one of the gate's outputs: add its name to the route labels, e.g. as the out-of-scope
 * label).
 *
 * @param name the expert's name
 * @param reason the reason given in the answer
 */
public record OutOfScopeExpert(String name, String reason) implements Expert {

  /** Validates. */
  public OutOfScopeExpert {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("out-of-scope expert name is blank");
    }
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * @param name the expert's name
   * @return an expert answering "out of scope: no expert fits this request"
   */
  public static OutOfScopeExpert named(String name) {
    return new OutOfScopeExpert(name, "out of scope: no expert fits this request");
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) {
    return ExpertOut.of(Value.none(reason), 0.0, 1.0);
  }
}
