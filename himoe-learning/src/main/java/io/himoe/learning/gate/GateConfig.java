package io.himoe.learning.gate;

import java.util.Objects;

/**
 * How a neural gate learns online: {@code loss = task_loss + λ·load_balance + μ·entropy}.
 *
 * @param hidden hidden units, 0 for a linear gate
 * @param learningRate Adam step size, &gt; 0
 * @param l2 decoupled weight decay per step, &gt;= 0
 * @param balancing how load is balanced
 * @param lambda weight λ of the load-balance loss (used by {@link Balancing#AUX_LOSS}), &gt;= 0
 * @param biasRate step γ of the bias nudges (used by {@link Balancing#BIAS_ONLY}), &gt;= 0
 * @param mu weight μ of the per-request gate entropy: positive sharpens the gate, negative keeps it
 *     exploring, 0 ignores it
 * @param window number of recent routing decisions the load shares are measured over, &gt;= 1
 * @param baselineDecay weight of the newest reward in the policy-gradient baseline (an exponential
 *     moving average), in (0, 1]
 * @param seed seed of the initial weights
 */
public record GateConfig(
    int hidden,
    double learningRate,
    double l2,
    Balancing balancing,
    double lambda,
    double biasRate,
    double mu,
    int window,
    double baselineDecay,
    long seed) {

  /** Validates. */
  public GateConfig {
    if (hidden < 0) {
      throw new IllegalArgumentException("gate hidden size must be >= 0, got " + hidden);
    }
    positive("learning rate", learningRate);
    nonNegative("l2", l2);
    Objects.requireNonNull(balancing, "balancing");
    nonNegative("lambda", lambda);
    nonNegative("bias rate", biasRate);
    if (!Double.isFinite(mu)) {
      throw new IllegalArgumentException("gate mu must be finite, got " + mu);
    }
    if (window < 1) {
      throw new IllegalArgumentException("gate window must be >= 1, got " + window);
    }
    if (!(baselineDecay > 0 && baselineDecay <= 1)) {
      throw new IllegalArgumentException(
          "gate baseline decay must be in (0, 1], got " + baselineDecay);
    }
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("gate " + name + " must be > 0 and finite, got " + v);
    }
  }

  private static void nonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("gate " + name + " must be >= 0 and finite, got " + v);
    }
  }

  /**
   * @return linear gate, learning rate 0.05, l2 0, auxiliary loss with λ = 0.01, bias rate 0.001, μ
   *     = 0, window 256, baseline decay 0.05, seed 42
   */
  public static GateConfig ofDefaults() {
    return new GateConfig(0, 0.05, 0, Balancing.AUX_LOSS, 0.01, 0.001, 0, 256, 0.05, 42L);
  }

  /**
   * @param h hidden units
   * @return a copy
   */
  public GateConfig withHidden(int h) {
    return new GateConfig(
        h, learningRate, l2, balancing, lambda, biasRate, mu, window, baselineDecay, seed);
  }

  /**
   * @param lr learning rate
   * @return a copy
   */
  public GateConfig withLearningRate(double lr) {
    return new GateConfig(
        hidden, lr, l2, balancing, lambda, biasRate, mu, window, baselineDecay, seed);
  }

  /**
   * @param b balancing mode
   * @param weight λ for {@link Balancing#AUX_LOSS}, γ for {@link Balancing#BIAS_ONLY}
   * @return a copy
   */
  public GateConfig withBalancing(Balancing b, double weight) {
    return switch (b) {
      case AUX_LOSS ->
          new GateConfig(
              hidden, learningRate, l2, b, weight, biasRate, mu, window, baselineDecay, seed);
      case BIAS_ONLY ->
          new GateConfig(
              hidden, learningRate, l2, b, lambda, weight, mu, window, baselineDecay, seed);
      case NONE ->
          new GateConfig(
              hidden, learningRate, l2, b, lambda, biasRate, mu, window, baselineDecay, seed);
    };
  }

  /**
   * @param m entropy weight μ
   * @return a copy
   */
  public GateConfig withMu(double m) {
    return new GateConfig(
        hidden, learningRate, l2, balancing, lambda, biasRate, m, window, baselineDecay, seed);
  }

  /**
   * @param w window size
   * @return a copy
   */
  public GateConfig withWindow(int w) {
    return new GateConfig(
        hidden, learningRate, l2, balancing, lambda, biasRate, mu, w, baselineDecay, seed);
  }

  /**
   * @param s seed
   * @return a copy
   */
  public GateConfig withSeed(long s) {
    return new GateConfig(
        hidden, learningRate, l2, balancing, lambda, biasRate, mu, window, baselineDecay, s);
  }
}
