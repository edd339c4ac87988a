package io.himoe.learning.bandit;

import java.util.Optional;

/**
 * Disjoint LinUCB. Keeps each arm's inverse design matrix directly, updated by Sherman-Morrison, so
 * a score costs O(d²) and an update O(d²) without any matrix inversion.
 */
final class LinUcbBandit implements Bandit {

  private final int dim;
  private final double alpha;
  private final double[][] aInv;
  private final double[][] b;
  private final RewardStats stats;

  LinUcbBandit(int arms, int dim, double alpha) {
    if (arms < 1) {
      throw new IllegalArgumentException("bandit arms must be >= 1, got " + arms);
    }
    if (dim < 1) {
      throw new IllegalArgumentException("linucb dimension must be >= 1, got " + dim);
    }
    if (!Double.isFinite(alpha) || alpha < 0) {
      throw new IllegalArgumentException("linucb alpha must be >= 0 and finite, got " + alpha);
    }
    this.dim = dim;
    this.alpha = alpha;
    this.aInv = new double[arms][dim * dim];
    this.b = new double[arms][dim];
    for (double[] m : aInv) {
      for (int i = 0; i < dim; i++) {
        m[i * dim + i] = 1;
      }
    }
    this.stats = new RewardStats(arms);
  }

  static LinUcbBandit restore(BanditState s) {
    LinUcbBandit l = new LinUcbBandit(s.arms(), s.dim(), s.param());
    double[][] m = s.matrices();
    double[][] v = s.vectors();
    if (m.length != s.arms() || v.length != s.arms()) {
      throw new IllegalArgumentException(
          "linucb state: matrices do not match " + s.arms() + " arms");
    }
    for (int a = 0; a < s.arms(); a++) {
      if (m[a].length != s.dim() * s.dim() || v[a].length != s.dim()) {
        throw new IllegalArgumentException("linucb state: arm " + a + " has the wrong dimension");
      }
      l.aInv[a] = m[a];
      l.b[a] = v[a];
    }
    l.stats.restore(s);
    return l;
  }

  @Override
  public int arms() {
    return stats.arms();
  }

  private float[] need(Optional<float[]> context) {
    float[] x =
        context.orElseThrow(
            () -> new IllegalArgumentException("linucb needs an encoded context (set an encoder)"));
    if (x.length != dim) {
      throw new IllegalArgumentException(
          "linucb context dimension " + x.length + " does not match " + dim);
    }
    return x;
  }

  @Override
  public synchronized double[] scores(Optional<float[]> context) {
    float[] x = need(context);
    double[] out = new double[stats.arms()];
    for (int a = 0; a < out.length; a++) {
      double[] ax = times(aInv[a], x);
      double mean = 0;
      double var = 0;
      for (int i = 0; i < dim; i++) {
        // θ = A⁻¹b, so θ·x = b·(A⁻¹x) (A⁻¹ is symmetric).
        mean += b[a][i] * ax[i];
        var += x[i] * ax[i];
      }
      out[a] = mean + alpha * Math.sqrt(Math.max(0, var));
    }
    return out;
  }

  private double[] times(double[] m, float[] x) {
    double[] out = new double[dim];
    for (int j = 0; j < dim; j++) {
      float xj = x[j];
      if (xj == 0f) {
        continue;
      }
      for (int i = 0; i < dim; i++) {
        out[i] += m[i * dim + j] * xj;
      }
    }
    return out;
  }

  @Override
  public synchronized void update(int arm, Optional<float[]> context, double reward) {
    stats.check(arm, reward);
    float[] x = need(context);
    double[] m = aInv[arm];
    double[] ax = times(m, x);
    double denom = 1;
    for (int i = 0; i < dim; i++) {
      denom += x[i] * ax[i];
    }
    for (int i = 0; i < dim; i++) {
      if (ax[i] == 0) {
        continue;
      }
      double s = ax[i] / denom;
      for (int j = 0; j < dim; j++) {
        m[i * dim + j] -= s * ax[j];
      }
    }
    for (int i = 0; i < dim; i++) {
      b[arm][i] += reward * x[i];
    }
    stats.record(arm, reward);
  }

  @Override
  public synchronized long[] counts() {
    return stats.counts.clone();
  }

  @Override
  public synchronized double[] means() {
    return stats.means();
  }

  @Override
  public synchronized BanditState state() {
    return new BanditState(
        "linucb", alpha, stats.arms(), dim, stats.counts, stats.sums, stats.squares, aInv, b, 0L);
  }

  @Override
  public synchronized Bandit reshaped(int[] keep, int added) {
    LinUcbBandit l = new LinUcbBandit(Arms.count(keep, added, stats.arms()), dim, alpha);
    for (int k = 0; k < keep.length; k++) {
      l.aInv[k] = aInv[keep[k]].clone();
      l.b[k] = b[keep[k]].clone();
    }
    l.stats.keep(stats, keep);
    return l;
  }

  @Override
  public String toString() {
    return "linucb[arms=" + stats.arms() + ", dim=" + dim + "]";
  }
}
