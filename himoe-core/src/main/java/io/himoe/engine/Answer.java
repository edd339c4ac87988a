package io.himoe.engine;

import io.himoe.shared.Value;
import java.util.Objects;

/**
 * The engine's answer to a request.
 *
 * @param value the answer
 * @param trace how it was decided
 */
public record Answer(Value value, DecisionTrace trace) {

  /** Validates. */
  public Answer {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(trace, "trace");
  }

  /**
   * @return the trace id to send feedback with
   */
  public String traceId() {
    return trace.traceId();
  }
}
