package io.himoe.shared;

/**
 * One step of a {@link Plan}.
 *
 * @param description what to do, not blank
 * @param done whether the step is already done
 */
public record PlanStep(String description, boolean done) {
  /** Validates the description. */
  public PlanStep {
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException("plan step description is empty");
    }
    description = description.strip();
  }

  /**
   * @return this step marked done
   */
  public PlanStep markDone() {
    return done ? this : new PlanStep(description, true);
  }
}
