package io.himoe.learning;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;

/**
 * A real (trivial) expert for tests: answers its own name, with a fixed cost and self-confidence.
 */
public record NamedExpert(String name, double cost, double selfConfidence) implements Expert {

  public NamedExpert(String name) {
    this(name, 1.0, 0.0);
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) {
    return ExpertOut.of(Value.text(name), cost, 0.9);
  }

  @Override
  public double canHandle(String task) {
    return selfConfidence;
  }
}
