package io.himoe.learning.nn;

import java.util.Arrays;

/**
 * The Adam optimiser (Kingma &amp; Ba, 2015) with decoupled weight decay (AdamW) over a flat
 * parameter array. Its moments and step count are part of the learned state and are saved with the
 * weights.
 */
public final class Adam {

  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final double[] m;
  private final double[] v;
  private long step;

  private Adam(
      int size, double learningRate, double beta1, double beta2, double eps, double decay) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be > 0 and finite, got " + learningRate);
    }
    if (!(decay >= 0) || Double.isInfinite(decay)) {
      throw new IllegalArgumentException("weight decay (l2) must be >= 0 and finite, got " + decay);
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = eps;
    this.weightDecay = decay;
    this.m = new double[size];
    this.v = new double[size];
  }

  /**
   * @param size number of parameters
   * @param learningRate step size, &gt; 0
   * @param weightDecay decoupled L2 decay per step (multiplied by the learning rate), &gt;= 0
   * @return an optimiser with β1 = 0.9, β2 = 0.999, ε = 1e-8
   */
  public static Adam of(int size, double learningRate, double weightDecay) {
    return new Adam(size, learningRate, 0.9, 0.999, 1e-8, weightDecay);
  }

  /**
   * Applies one update: {@code params -= lr·(m̂/(√v̂+ε) + decay·params)}.
   *
   * @param params parameters, updated in place
   * @param grad gradient, same length (not modified)
   */
  public void step(double[] params, double[] grad) {
    if (params.length != m.length || grad.length != m.length) {
      throw new IllegalArgumentException(
          "optimiser holds " + m.length + " parameters, got " + params.length + "/" + grad.length);
    }
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    double a = learningRate * Math.sqrt(c2) / c1;
    double decay = learningRate * weightDecay;
    for (int i = 0; i < params.length; i++) {
      double g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= a * m[i] / (Math.sqrt(v[i]) + epsilon) + decay * params[i];
    }
  }

  /**
   * A lazy update for sparse inputs (as TensorFlow's LazyAdam): parameters {@code [0, denseFrom)}
   * are blocks of {@code block} values, one block per input feature, and only the blocks of the
   * features set in {@code active} are updated (their moments and decay included); parameters from
   * {@code denseFrom} on are always updated. With hashed text features most blocks are untouched in
   * a minibatch, so this is many times cheaper than {@link #step}.
   *
   * @param params parameters, updated in place
   * @param grad gradient (zero outside the active blocks and the dense tail)
   * @param active the input features present in the minibatch
   * @param block values per input feature
   * @param denseFrom start of the always-updated tail
   */
  public void stepSparse(
      double[] params, double[] grad, java.util.BitSet active, int block, int denseFrom) {
    if (params.length != m.length || grad.length != m.length) {
      throw new IllegalArgumentException(
          "optimiser holds " + m.length + " parameters, got " + params.length + "/" + grad.length);
    }
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    double a = learningRate * Math.sqrt(c2) / c1;
    double decay = learningRate * weightDecay;
    for (int f = active.nextSetBit(0); f >= 0; f = active.nextSetBit(f + 1)) {
      update(params, grad, f * block, f * block + block, a, decay);
    }
    update(params, grad, denseFrom, params.length, a, decay);
  }

  private void update(double[] params, double[] grad, int from, int to, double a, double decay) {
    for (int i = from; i < to; i++) {
      double g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= a * m[i] / (Math.sqrt(v[i]) + epsilon) + decay * params[i];
    }
  }

  /**
   * @return the learning rate
   */
  public double learningRate() {
    return learningRate;
  }

  /**
   * The optimiser's state, for snapshots.
   *
   * @param step updates applied so far
   * @param m first moments
   * @param v second moments
   */
  public record State(long step, double[] m, double[] v) {}

  /**
   * @return a copy of the state
   */
  public State state() {
    return new State(step, m.clone(), v.clone());
  }

  /**
   * Restores a saved state.
   *
   * @param s the state
   * @throws IllegalArgumentException if its size does not match
   */
  public void restore(State s) {
    if (s.m().length != m.length || s.v().length != v.length) {
      throw new IllegalArgumentException(
          "optimiser state has " + s.m().length + " moments, expected " + m.length);
    }
    if (s.step() < 0) {
      throw new IllegalArgumentException("optimiser step must be >= 0, got " + s.step());
    }
    System.arraycopy(s.m(), 0, m, 0, m.length);
    System.arraycopy(s.v(), 0, v, 0, v.length);
    step = s.step();
  }

  @Override
  public String toString() {
    return "Adam[lr=" + learningRate + ", step=" + step + ", n=" + m.length + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Adam a
        && a.step == step
        && Arrays.equals(a.m, m)
        && Arrays.equals(a.v, v)
        && a.learningRate == learningRate;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(step) * 31 + Arrays.hashCode(m);
  }
}
