package io.himoe.branches.model;

/**
 * The update rule of {@link BranchedNetwork#trainStep}. Its state (velocity, moments) lives in the
 * network per parameter and is dropped with the branch.
 */
public sealed interface Optimizer {

  /**
   * @return SGD with momentum 0.9 (the rule of the first figures)
   */
  static Optimizer sgd() {
    return new Sgd(0.9);
  }

  /**
   * @return Adam with the usual betas 0.9 / 0.999 and epsilon 1e-8
   */
  static Optimizer adam() {
    return new Adam(0.9, 0.999, 1e-8);
  }

  /**
   * SGD with momentum: {@code v <- m v + g; p <- p - lr v}.
   *
   * @param momentum momentum in [0, 1)
   */
  record Sgd(double momentum) implements Optimizer {
    /** Validates. */
    public Sgd {
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
      }
    }
  }

  /**
   * Adam (Kingma and Ba 2015) with bias correction. Low-rank deltas start at zero and learn slowly
   * under plain SGD; Adam's per-parameter scale reaches a given accuracy in fewer passes.
   *
   * @param beta1 first-moment decay in [0, 1)
   * @param beta2 second-moment decay in [0, 1)
   * @param epsilon added to the root of the second moment, > 0
   */
  record Adam(double beta1, double beta2, double epsilon) implements Optimizer {
    /** Validates. */
    public Adam {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
        throw new IllegalArgumentException(
            "Adam needs betas in [0, 1) and epsilon > 0, got "
                + beta1
                + ", "
                + beta2
                + ", "
                + epsilon);
      }
    }
  }
}
