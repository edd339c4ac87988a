package io.himoe.learning.nn;

import io.himoe.router.GatingPolicy;

/**
 * The gate losses with their gradients with respect to the logits, written by hand (checked against
 * finite differences in the tests). Each method returns the loss and <em>adds</em> its gradient,
 * scaled by {@code scale}, to {@code dLogits}.
 */
public final class Losses {

  private Losses() {}

  /**
   * @param logits logits
   * @return softmax probabilities (stable: shifted by the maximum)
   */
  public static double[] softmax(double[] logits) {
    return GatingPolicy.softmaxStable(logits, 1.0);
  }

  /**
   * Cross-entropy {@code -log p_t}; gradient {@code p - e_t}.
   *
   * @param p softmax probabilities
   * @param target the right output
   * @param scale weight of this term
   * @param dLogits gradient accumulator
   * @return the loss (unscaled)
   */
  public static double crossEntropy(double[] p, int target, double scale, double[] dLogits) {
    for (int j = 0; j < p.length; j++) {
      dLogits[j] += scale * (p[j] - (j == target ? 1 : 0));
    }
    return -Math.log(Math.max(p[target], 1e-300));
  }

  /**
   * Cross-entropy against a label-smoothed target: {@code 1 - ε} on the label plus {@code ε/n} on
   * every class; gradient {@code p - target}. With {@code ε = 0} this is {@link #crossEntropy}.
   *
   * @param p probabilities
   * @param target the label
   * @param smoothing ε in [0, 1)
   * @param scale weight
   * @param dLogits accumulator for the gradient
   * @return the loss
   */
  public static double smoothedCrossEntropy(
      double[] p, int target, double smoothing, double scale, double[] dLogits) {
    double n = p.length;
    double loss = 0;
    for (int j = 0; j < p.length; j++) {
      double t = (j == target ? 1 - smoothing : 0) + smoothing / n;
      dLogits[j] += scale * (p[j] - t);
      if (t > 0) {
        loss -= t * Math.log(Math.max(p[j], 1e-300));
      }
    }
    return loss;
  }

  /**
   * Cross-entropy against the uniform distribution, used for out-of-scope examples so that the gate
   * learns to be unsure on them; gradient {@code p - 1/n}.
   *
   * @param p probabilities
   * @param scale weight
   * @param dLogits gradient accumulator
   * @return the loss (unscaled)
   */
  public static double towardsUniform(double[] p, double scale, double[] dLogits) {
    double n = p.length;
    double loss = 0;
    for (int j = 0; j < p.length; j++) {
      dLogits[j] += scale * (p[j] - 1 / n);
      loss -= Math.log(Math.max(p[j], 1e-300)) / n;
    }
    return loss;
  }

  /**
   * REINFORCE with a baseline: {@code -(r - b)·log p_a}; gradient {@code -(r - b)(e_a - p)}.
   *
   * @param p probabilities
   * @param action the chosen output
   * @param advantage reward minus baseline
   * @param scale weight
   * @param dLogits gradient accumulator
   * @return the surrogate loss (unscaled)
   */
  public static double policyGradient(
      double[] p, int action, double advantage, double scale, double[] dLogits) {
    for (int j = 0; j < p.length; j++) {
      dLogits[j] -= scale * advantage * ((j == action ? 1 : 0) - p[j]);
    }
    return -advantage * Math.log(Math.max(p[action], 1e-300));
  }

  /**
   * Shannon entropy {@code H = -Σ p log p} (nats); gradient {@code -p_j (log p_j + H)}.
   *
   * @param p probabilities
   * @param scale weight (μ; positive sharpens the gate, negative keeps it exploring)
   * @param dLogits gradient accumulator
   * @return the entropy
   */
  public static double entropy(double[] p, double scale, double[] dLogits) {
    double h = 0;
    for (double pi : p) {
      if (pi > 0) {
        h -= pi * Math.log(pi);
      }
    }
    for (int j = 0; j < p.length; j++) {
      double lp = p[j] > 0 ? Math.log(p[j]) : 0;
      dLogits[j] += scale * (-p[j] * (lp + h));
    }
    return h;
  }

  /**
   * One request's share of the Switch-Transformer load-balance loss {@code N·Σ f_i·p_i}, where
   * {@code f} is the share of requests routed to each expert over a sliding window (a constant) and
   * {@code p} this request's gate probabilities; gradient {@code N·p_j (f_j - Σ f_i p_i)}.
   *
   * @param p probabilities
   * @param f routed shares over the window, summing to 1
   * @param scale weight (λ)
   * @param dLogits gradient accumulator
   * @return the loss (unscaled); 1 when perfectly balanced
   */
  public static double loadBalance(double[] p, double[] f, double scale, double[] dLogits) {
    int n = p.length;
    double dot = 0;
    for (int i = 0; i < n; i++) {
      dot += f[i] * p[i];
    }
    for (int j = 0; j < n; j++) {
      dLogits[j] += scale * n * p[j] * (f[j] - dot);
    }
    return n * dot;
  }

  /**
   * @param xs values
   * @return the index of the largest (first on ties)
   */
  public static int argmax(double[] xs) {
    int best = 0;
    for (int i = 1; i < xs.length; i++) {
      if (xs[i] > xs[best]) {
        best = i;
      }
    }
    return best;
  }
}
