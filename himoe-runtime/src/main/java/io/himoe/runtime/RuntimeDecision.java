package io.himoe.runtime;

import io.himoe.runtime.complexity.Complexity;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.mode.ModeDecision;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.Context;
import java.util.Objects;
import java.util.Optional;

/**
 * The runtime's decision for one request: how complex it is, what the device looked like, the mode
 * chosen and that mode's profile.
 *
 * @param complexity the complexity assessment (score, level, factors)
 * @param device the device status the decision was made on
 * @param decision the mode and why
 * @param profile the profile of that mode
 */
public record RuntimeDecision(
    Complexity complexity, DeviceStatus device, ModeDecision decision, PerformanceProfile profile) {

  /** Key under which routers store the decision in {@code Context.memory()}. */
  public static final String CONTEXT_KEY = "himoe.runtime.decision";

  /** Validates. */
  public RuntimeDecision {
    Objects.requireNonNull(complexity, "complexity");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(profile, "profile");
  }

  /**
   * @param ctx a request context
   * @return the decision a router stored in its memory under {@link #CONTEXT_KEY}, if any
   */
  public static Optional<RuntimeDecision> of(Context ctx) {
    return ctx.memory().get(CONTEXT_KEY).orElse(null) instanceof RuntimeDecision d
        ? Optional.of(d)
        : Optional.empty();
  }

  /**
   * @return the chosen mode
   */
  public PerformanceMode mode() {
    return decision.mode();
  }

  /**
   * @return a one-line form for logs: complexity breakdown, device and mode
   */
  public String describe() {
    return "complexity "
        + complexity.describe()
        + "; device "
        + device.describe()
        + "; "
        + decision.describe();
  }
}
