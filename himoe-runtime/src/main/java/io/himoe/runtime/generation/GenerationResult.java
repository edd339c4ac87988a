package io.himoe.runtime.generation;

import io.himoe.runtime.mode.PerformanceMode;
import java.util.Objects;
import java.util.Optional;

/**
 * How a stream ended.
 *
 * @param tokens tokens delivered to the subscriber
 * @param stop why generation stopped
 * @param finalMode the mode in force at the end
 * @param modeSwitches how many times the mode changed during the stream
 * @param error the failure, when {@code stop} is {@link Stop#FAILED}
 */
public record GenerationResult(
    int tokens, Stop stop, PerformanceMode finalMode, int modeSwitches, Optional<Throwable> error) {

  /** Validates. */
  public GenerationResult {
    Objects.requireNonNull(stop, "stop");
    Objects.requireNonNull(finalMode, "finalMode");
    Objects.requireNonNull(error, "error");
  }

  /** Why a stream stopped. */
  public enum Stop {
    /** The mode's token budget was reached. */
    BUDGET,
    /** The source had no more tokens. */
    END,
    /** The subscriber or the request cancelled. */
    CANCELLED,
    /** Memory ran out, the source failed, or the subscriber broke the protocol. */
    FAILED
  }
}
