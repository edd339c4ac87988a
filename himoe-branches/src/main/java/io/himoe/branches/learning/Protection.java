package io.himoe.branches.learning;

/**
 * How fine-tuning a branch protects what it learned on earlier tasks: a quadratic penalty {@code
 * λ/2 Σ Ω_i (θ_i - θ*_i)²} around the weights {@code θ*} at the end of the previous task, with
 * importance {@code Ω} set by the method.
 */
public sealed interface Protection {

  /** No protection (naive fine-tuning). */
  record None() implements Protection {}

  /**
   * L2 anchoring: {@code Ω = 1}.
   *
   * @param lambda penalty strength
   */
  record L2(double lambda) implements Protection {
    /** Validates. */
    public L2 {
      nonNegative(lambda);
    }
  }

  /**
   * Elastic weight consolidation (Kirkpatrick et al. 2017): {@code Ω} = diagonal empirical Fisher
   * information of each task (scaled to a maximum of 1), summed over past tasks.
   *
   * @param lambda penalty strength
   */
  record Ewc(double lambda) implements Protection {
    /** Validates. */
    public Ewc {
      nonNegative(lambda);
    }
  }

  /**
   * Synaptic intelligence (Zenke et al. 2017): {@code Ω += ω / (Δθ² + ξ)} where {@code ω} is the
   * path integral {@code -Σ g·Δθ} of the loss along the training trajectory of a task.
   *
   * @param c penalty strength
   * @param xi damping of the denominator
   */
  record Si(double c, double xi) implements Protection {
    /** Validates. */
    public Si {
      nonNegative(c);
      if (!(xi > 0)) {
        throw new IllegalArgumentException("xi must be > 0, got " + xi);
      }
    }
  }

  /**
   * @return no protection
   */
  static Protection none() {
    return new None();
  }

  /**
   * @return the penalty strength (0 for none)
   */
  default double strength() {
    return switch (this) {
      case None n -> 0;
      case L2 l -> l.lambda();
      case Ewc e -> e.lambda();
      case Si s -> s.c();
    };
  }

  private static void nonNegative(double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("penalty strength must be finite and >= 0, got " + v);
    }
  }
}
