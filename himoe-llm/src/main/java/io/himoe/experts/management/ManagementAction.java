package io.himoe.experts.management;

import java.util.Objects;

/** What one {@link ExpertManager#manage()} pass did to an expert. */
public sealed interface ManagementAction {

  /**
   * @return the expert's name
   */
  String expert();

  /**
   * An instance was added because the expert was loaded and scored well.
   *
   * @param expert the expert
   * @param instances instances in use now
   * @param loadFraction the load that triggered it (in flight over capacity)
   * @param score the expert's score
   */
  record ScaledUp(String expert, int instances, double loadFraction, double score)
      implements ManagementAction {
    /** Validates. */
    public ScaledUp {
      Objects.requireNonNull(expert, "expert");
    }
  }

  /**
   * An idle instance was released.
   *
   * @param expert the expert
   * @param instances instances in use now
   */
  record Released(String expert, int instances) implements ManagementAction {
    /** Validates. */
    public Released {
      Objects.requireNonNull(expert, "expert");
    }
  }

  /**
   * The expert under-performs (success rate below the policy's threshold).
   *
   * @param expert the expert
   * @param reason what was measured
   */
  record Flagged(String expert, String reason) implements ManagementAction {
    /** Validates. */
    public Flagged {
      Objects.requireNonNull(expert, "expert");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The expert was removed from the registry by policy.
   *
   * @param expert the expert
   * @param reason why
   */
  record Removed(String expert, String reason) implements ManagementAction {
    /** Validates. */
    public Removed {
      Objects.requireNonNull(expert, "expert");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
