package io.himoe.quantum.gate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The classical gate of {@code himoe-branches} ({@code ContextGate}), in plain Java so the
 * comparison needs no PyTorch: a context {@code c = relu(W_c·x + b_c)}, one logit per live branch,
 * softmax. A new branch adds one output row (small random weights, zero bias); every parameter
 * stays trainable, as in {@code himoe-branches}.
 *
 * <p>Layout of {@link #parameters()}: {@code W_c} (hidden × inputs, row-major), {@code b_c}
 * (hidden), then per branch its output row (hidden) and bias. Not thread-safe.
 */
public final class ClassicalGate implements TrainableGate {

  private final int inputs;
  private final int hidden;
  private final RandomGenerator init;
  private double[] params;
  private int branches;

  private ClassicalGate(int inputs, int hidden, RandomGenerator init) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.init = init;
    this.params = new double[hidden * inputs + hidden];
    double scale = Math.sqrt(2.0 / inputs);
    for (int i = 0; i < hidden * inputs; i++) {
      params[i] = init.nextGaussian() * scale;
    }
    addBranch();
  }

  /**
   * @param inputs input features
   * @param hidden context width, at least 1
   * @param random initialisation randomness
   * @return a gate with one live branch
   */
  public static ClassicalGate create(int inputs, int hidden, RandomGenerator random) {
    if (inputs < 1 || hidden < 1) {
      throw new IllegalArgumentException(
          "inputs " + inputs + " / hidden " + hidden + ": need at least 1 each");
    }
    return new ClassicalGate(inputs, hidden, random);
  }

  @Override
  public int branches() {
    return branches;
  }

  @Override
  public int addBranch() {
    int off = params.length;
    params = Arrays.copyOf(params, off + hidden + 1);
    double scale = Math.sqrt(1.0 / hidden);
    for (int h = 0; h < hidden; h++) {
      params[off + h] = init.nextGaussian() * scale * 0.1;
    }
    return branches++;
  }

  private double[] context(float[] x) {
    if (x.length != inputs) {
      throw new IllegalArgumentException(
          "input has " + x.length + " features, the gate reads " + inputs);
    }
    double[] c = new double[hidden];
    int bias = hidden * inputs;
    for (int h = 0; h < hidden; h++) {
      double s = params[bias + h];
      int row = h * inputs;
      for (int j = 0; j < inputs; j++) {
        s += params[row + j] * x[j];
      }
      c[h] = Math.max(0, s);
    }
    return c;
  }

  private double[] softmax(double[] c) {
    double[] z = new double[branches];
    int base = hidden * inputs + hidden;
    double max = Double.NEGATIVE_INFINITY;
    for (int b = 0; b < branches; b++) {
      int off = base + b * (hidden + 1);
      double s = params[off + hidden];
      for (int h = 0; h < hidden; h++) {
        s += params[off + h] * c[h];
      }
      z[b] = s;
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int b = 0; b < branches; b++) {
      z[b] = Math.exp(z[b] - max);
      sum += z[b];
    }
    for (int b = 0; b < branches; b++) {
      z[b] /= sum;
    }
    return z;
  }

  @Override
  public double[] distribution(float[] x) {
    return softmax(context(x));
  }

  @Override
  public double accumulateGradient(float[] x, int branch, double weight, double[] gradient) {
    if (branch < 0 || branch >= branches) {
      throw new IllegalArgumentException(
          "branch " + branch + " is not live (0.." + (branches - 1) + ")");
    }
    double[] c = context(x);
    double[] p = softmax(c);
    int base = hidden * inputs + hidden;
    double[] dc = new double[hidden];
    for (int b = 0; b < branches; b++) {
      double dz = weight * (p[b] - (b == branch ? 1 : 0));
      int off = base + b * (hidden + 1);
      for (int h = 0; h < hidden; h++) {
        gradient[off + h] += dz * c[h];
        dc[h] += dz * params[off + h];
      }
      gradient[off + hidden] += dz;
    }
    int bias = hidden * inputs;
    for (int h = 0; h < hidden; h++) {
      if (c[h] <= 0) {
        continue;
      }
      int row = h * inputs;
      for (int j = 0; j < inputs; j++) {
        gradient[row + j] += dc[h] * x[j];
      }
      gradient[bias + h] += dc[h];
    }
    return -Math.log(Math.max(p[branch], 1e-12));
  }

  @Override
  public double[] parameters() {
    return params.clone();
  }

  @Override
  public void setParameters(double[] values) {
    if (values.length != params.length) {
      throw new IllegalArgumentException(
          values.length + " parameters given, the gate has " + params.length);
    }
    params = values.clone();
  }

  @Override
  public boolean[] trainable() {
    boolean[] t = new boolean[params.length];
    Arrays.fill(t, true);
    return t;
  }

  @Override
  public int parameterCount() {
    return params.length;
  }

  @Override
  public String describe() {
    return "classical gate: "
        + inputs
        + " -> relu "
        + hidden
        + " -> "
        + branches
        + " branches, "
        + params.length
        + " parameters";
  }
}
