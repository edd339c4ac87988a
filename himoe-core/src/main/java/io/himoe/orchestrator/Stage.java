package io.himoe.orchestrator;

import io.himoe.shared.InputData;
import java.util.Objects;

/**
 * One more routing stage in a multi-stage request: the input of this stage (typically derived from
 * an earlier stage's output, such as one step of a plan) and the router that handles it.
 *
 * @param router the router
 * @param input the stage's input
 * @param label what this stage is, for the trace (e.g. {@code step 2/5})
 */
public record Stage(RouterRef router, InputData input, String label) {

  /** Validates. */
  public Stage {
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(label, "label");
  }
}
