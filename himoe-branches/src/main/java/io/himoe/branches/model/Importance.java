package io.himoe.branches.model;

import java.util.Objects;

/**
 * How a {@link PenaltyState} updates the importance {@code Ω} of each weight at the end of a task.
 */
public sealed interface Importance {

  /** {@code Ω = 1} for every weight, replacing what was there (L2 anchoring). */
  record Ones() implements Importance {}

  /**
   * Adds the task's diagonal Fisher information, flattened in the branch's parameter order and
   * already scaled by the caller, then rescales the sum to a maximum of 1 (EWC: summed over many
   * tasks, an unscaled importance grew until {@code λ·Ω·lr} passed SGD-with-momentum's stability
   * limit and permuted MNIST diverged).
   *
   * @param fisher one value per weight of the branch
   */
  record Fisher(float[] fisher) implements Importance {
    /** Validates. */
    public Fisher {
      Objects.requireNonNull(fisher, "fisher");
    }
  }

  /**
   * Adds synaptic intelligence's {@code ω / (Δθ² + ξ)} of the task just trained, from the path
   * integral gathered since {@link PenaltyState#startTask} (negative integrals count as 0).
   *
   * @param xi damping of the denominator, &gt; 0
   */
  record PathIntegral(double xi) implements Importance {}
}
