package io.himoe.branches.model;

import ai.djl.ndarray.NDArray;

/**
 * Lets a continual-learning protection (EWC, SI, L2) shape a training step: it adds the gradient of
 * its penalty, and observes each parameter's update (SI accumulates its path integral there).
 */
public interface GradientHook {

  /** No protection. */
  GradientHook NONE = p -> null;

  /**
   * @param param a parameter about to be updated
   * @return the penalty's gradient for it (same shape), or null for none
   */
  NDArray extra(NDArray param);

  /**
   * Called after a parameter was updated.
   *
   * @param param the parameter (already updated)
   * @param lossGradient the task loss's gradient (without the penalty)
   * @param delta the change applied to the parameter
   */
  default void afterStep(NDArray param, NDArray lossGradient, NDArray delta) {}
}
