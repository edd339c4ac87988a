package io.himoe.engine;

/**
 * What a request does when one of its later stages (a plan step, a chained router) still fails
 * after its router re-routed it ({@code plan.on_step_failure} in the server's configuration).
 */
public enum OnStepFailure {
  /**
   * Answer with the stages that completed; the failed stage is marked in the answer (a plan's step
   * says {@code failed} with its error) and in the trace, and no further stages are chained after
   * it. The default.
   */
  PARTIAL,
  /** The whole request fails with the stage's error. */
  FAIL
}
