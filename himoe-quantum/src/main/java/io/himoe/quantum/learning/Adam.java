package io.himoe.quantum.learning;

/** Adam (β 0.9 / 0.999, ε 1e-8, bias-corrected) over a flat parameter array with a mask. */
final class Adam {

  private final double lr;
  private final double[] m;
  private final double[] v;
  private int t;

  Adam(int size, double lr) {
    this.lr = lr;
    this.m = new double[size];
    this.v = new double[size];
  }

  void step(double[] params, double[] gradient, boolean[] trainable) {
    t++;
    double c1 = 1 - Math.pow(0.9, t);
    double c2 = 1 - Math.pow(0.999, t);
    for (int i = 0; i < params.length; i++) {
      if (!trainable[i]) {
        continue;
      }
      m[i] = 0.9 * m[i] + 0.1 * gradient[i];
      v[i] = 0.999 * v[i] + 0.001 * gradient[i] * gradient[i];
      params[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
    }
  }
}
