package io.himoe.runtime.mode;

import java.time.Instant;
import java.util.Objects;

/**
 * A tracked change of the current mode.
 *
 * @param from the mode before
 * @param to the mode after
 * @param reason why (the decision that caused it, or a caller's reason)
 * @param at when, from the runtime's clock
 */
public record ModeChange(PerformanceMode from, PerformanceMode to, String reason, Instant at) {
  /** Validates. */
  public ModeChange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
