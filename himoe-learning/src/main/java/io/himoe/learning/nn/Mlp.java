package io.himoe.learning.nn;

import io.himoe.shared.Encoded;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * A small dense network giving one logit per output: linear ({@code z = W·x + b}) or with one tanh
 * hidden layer ({@code z = W2·tanh(W1·x + b1) + b2}). Parameters live in one flat array so that an
 * optimiser and a snapshot treat them uniformly. Gradients are written by hand and checked against
 * finite differences in the tests. Zero inputs are skipped, so sparse (hashed) inputs are cheap.
 *
 * <p>Not thread-safe: callers serialise access (the gates hold a lock).
 */
public final class Mlp {

  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final double[] params;

  private Mlp(int inputs, int hidden, int outputs, double[] params) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.outputs = outputs;
    this.params = params;
  }

  /**
   * Creates a network with small random weights (Xavier-uniform) and zero biases.
   *
   * @param inputs input dimension, &gt;= 1
   * @param hidden hidden units, 0 for a linear layer
   * @param outputs outputs (experts, classes), &gt;= 1
   * @param seed random seed: the same seed gives the same weights
   * @return the network
   */
  public static Mlp create(int inputs, int hidden, int outputs, long seed) {
    check(inputs, hidden, outputs);
    double[] p = new double[size(inputs, hidden, outputs)];
    Random rnd = new Random(seed);
    if (hidden == 0) {
      fill(p, 0, inputs * outputs, Math.sqrt(6.0 / (inputs + outputs)), rnd);
    } else {
      fill(p, 0, inputs * hidden, Math.sqrt(6.0 / (inputs + hidden)), rnd);
      int w2 = inputs * hidden + hidden;
      fill(p, w2, hidden * outputs, Math.sqrt(6.0 / (hidden + outputs)), rnd);
    }
    return new Mlp(inputs, hidden, outputs, p);
  }

  /**
   * Rebuilds a network from saved parameters.
   *
   * @param inputs input dimension
   * @param hidden hidden units, 0 for linear
   * @param outputs outputs
   * @param params the flat parameters, as returned by {@link #parameters()}
   * @return the network
   * @throws IllegalArgumentException if the parameter count does not match the shape
   */
  public static Mlp of(int inputs, int hidden, int outputs, double[] params) {
    check(inputs, hidden, outputs);
    int n = size(inputs, hidden, outputs);
    if (params.length != n) {
      throw new IllegalArgumentException(
          "network parameters: expected " + n + " values, got " + params.length);
    }
    for (double v : params) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("network parameters: contains " + v);
      }
    }
    return new Mlp(inputs, hidden, outputs, params.clone());
  }

  /**
   * @param inputs input dimension
   * @param hidden hidden units
   * @param outputs outputs
   * @return the number of parameters of that shape
   */
  public static int size(int inputs, int hidden, int outputs) {
    return hidden == 0
        ? inputs * outputs + outputs
        : inputs * hidden + hidden + hidden * outputs + outputs;
  }

  private static void check(int inputs, int hidden, int outputs) {
    if (inputs < 1) {
      throw new IllegalArgumentException("network inputs must be >= 1, got " + inputs);
    }
    if (hidden < 0) {
      throw new IllegalArgumentException("network hidden size must be >= 0, got " + hidden);
    }
    if (outputs < 1) {
      throw new IllegalArgumentException("network outputs must be >= 1, got " + outputs);
    }
  }

  private static void fill(double[] p, int from, int n, double limit, Random rnd) {
    for (int i = from; i < from + n; i++) {
      p[i] = (2 * rnd.nextDouble() - 1) * limit;
    }
  }

  /**
   * @return input dimension
   */
  public int inputs() {
    return inputs;
  }

  /**
   * @return hidden units (0 = linear)
   */
  public int hidden() {
    return hidden;
  }

  /**
   * @return outputs
   */
  public int outputs() {
    return outputs;
  }

  /**
   * @return the number of parameters
   */
  public int parameterCount() {
    return params.length;
  }

  /**
   * @return values per input feature in the input layer's weights (outputs for a linear network,
   *     hidden units otherwise); the input layer's weights are {@code [0, inputs·block)}
   */
  public int inputBlock() {
    return hidden == 0 ? outputs : hidden;
  }

  /**
   * @return a copy of the flat parameters
   */
  public double[] parameters() {
    return params.clone();
  }

  /**
   * The live parameter array, for the optimiser (package users must not keep it).
   *
   * @return the parameters, not copied
   */
  public double[] parametersView() {
    return params;
  }

  /**
   * A forward pass, keeping what the backward pass needs.
   *
   * @param x the input (copied by reference; do not modify until backward)
   * @param hiddenOut hidden activations before dropout (empty for a linear network)
   * @param dropScale per hidden unit, 0 if dropped else {@code 1/(1-rate)} (inverted dropout);
   *     empty when no dropout was applied
   * @param logits one logit per output
   */
  public record Pass(float[] x, double[] hiddenOut, double[] dropScale, double[] logits) {}

  /**
   * @param x input, length {@link #inputs()}
   * @return the pass with its logits
   * @throws IllegalArgumentException if the dimension does not match
   */
  public Pass forward(float[] x) {
    return forward(x, 0, null);
  }

  /**
   * A training pass with inverted dropout on the hidden units (a linear network has none, so the
   * rate is ignored there).
   *
   * @param x input, length {@link #inputs()}
   * @param dropout the probability of dropping each hidden unit, in [0, 1)
   * @param rnd the source of the dropout masks (unused, and may be null, when the rate is 0)
   * @return the pass
   * @throws IllegalArgumentException if the dimension does not match or the rate is out of range
   */
  public Pass forward(float[] x, double dropout, @Nullable Random rnd) {
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (x.length != inputs) {
      throw new IllegalArgumentException(
          "input dimension " + x.length + " does not match the network's " + inputs);
    }
    if (hidden == 0) {
      return new Pass(x, new double[0], new double[0], affine(x, 0, outputs));
    }
    double[] pre = affine(x, 0, hidden);
    for (int j = 0; j < hidden; j++) {
      pre[j] = Math.tanh(pre[j]);
    }
    double[] scale = new double[0];
    double[] h = pre;
    if (dropout > 0) {
      Random masks =
          Objects.requireNonNull(rnd, "rnd: a dropout rate above 0 needs a random source");
      scale = new double[hidden];
      h = new double[hidden];
      double keep = 1 / (1 - dropout);
      for (int j = 0; j < hidden; j++) {
        scale[j] = masks.nextDouble() < dropout ? 0 : keep;
        h[j] = pre[j] * scale[j];
      }
    }
    return new Pass(x, pre, scale, outputLayer(h));
  }

  /**
   * The logits of an input, the first layer computed over its stored entries only: a sparse
   * vector's non-zeros (a few dozen of a hashing encoder's 4,096) instead of every input. The same
   * values, bit for bit, as {@code forward(x.vector()).logits()}, which skips zero inputs in the
   * same ascending order.
   *
   * @param x input, dimension {@link #inputs()}
   * @return one logit per output
   * @throws IllegalArgumentException if the dimension does not match
   */
  public double[] logits(Encoded x) {
    if (x.dimension() != inputs) {
      throw new IllegalArgumentException(
          "input dimension " + x.dimension() + " does not match the network's " + inputs);
    }
    if (hidden == 0) {
      return affine(x, 0, outputs);
    }
    double[] h = affine(x, 0, hidden);
    for (int j = 0; j < hidden; j++) {
      h[j] = Math.tanh(h[j]);
    }
    return outputLayer(h);
  }

  /** {@code z[k] = b2[k] + Σ_j W2[k][j]·h[j]}. */
  private double[] outputLayer(double[] h) {
    int w2 = inputs * hidden + hidden;
    double[] z = new double[outputs];
    for (int k = 0; k < outputs; k++) {
      double s = params[w2 + hidden * outputs + k];
      int row = w2 + k * hidden;
      for (int j = 0; j < hidden; j++) {
        s += params[row + j] * h[j];
      }
      z[k] = s;
    }
    return z;
  }

  /**
   * The same network with its output layer (weights and biases) multiplied by a factor: its logits
   * are this network's times the factor, e.g. {@code 1/T} to fold a calibrated softmax temperature
   * {@code T} into the weights.
   *
   * @param factor the factor, finite and &gt; 0
   * @return a new network
   * @throws IllegalArgumentException if the factor is not finite and positive
   */
  public Mlp withOutputScaled(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("output scale must be > 0 and finite, got " + factor);
    }
    double[] p = params.clone();
    int from = hidden == 0 ? 0 : inputs * hidden + hidden;
    for (int i = from; i < p.length; i++) {
      p[i] *= factor;
    }
    return new Mlp(inputs, hidden, outputs, p);
  }

  /**
   * {@code out[r] = b[r] + Σ_i W[i][r]·x[i]}; W is stored input-major at {@code off} so that a
   * non-zero input touches one contiguous run; b follows W.
   */
  private double[] affine(float[] x, int off, int rows) {
    double[] out = new double[rows];
    int bias = off + rows * inputs;
    for (int r = 0; r < rows; r++) {
      out[r] = params[bias + r];
    }
    for (int i = 0; i < inputs; i++) {
      float xi = x[i];
      if (xi == 0f) {
        continue;
      }
      int col = off + i * rows;
      for (int r = 0; r < rows; r++) {
        out[r] += params[col + r] * xi;
      }
    }
    return out;
  }

  /** {@link #affine(float[], int, int)} over an encoded input's stored entries. */
  private double[] affine(Encoded x, int off, int rows) {
    double[] out = new double[rows];
    int bias = off + rows * inputs;
    for (int r = 0; r < rows; r++) {
      out[r] = params[bias + r];
    }
    for (int k = 0, n = x.entries(); k < n; k++) {
      float xi = x.valueAt(k);
      if (xi == 0f) {
        continue;
      }
      int col = off + x.indexAt(k) * rows;
      for (int r = 0; r < rows; r++) {
        out[r] += params[col + r] * xi;
      }
    }
    return out;
  }

  /**
   * Adds the gradient of a loss with respect to the parameters, given its gradient with respect to
   * the logits of one pass.
   *
   * @param pass a forward pass of this network
   * @param dLogits dLoss/dLogits, length {@link #outputs()}
   * @param grad accumulator, length {@link #parameterCount()}
   */
  public void backward(Pass pass, double[] dLogits, double[] grad) {
    float[] x = pass.x();
    if (hidden == 0) {
      affineBackward(x, 0, outputs, dLogits, grad);
      return;
    }
    double[] h = pass.hiddenOut();
    double[] scale = pass.dropScale();
    boolean dropped = scale.length > 0;
    int w2 = inputs * hidden + hidden;
    double[] dh = new double[hidden];
    for (int k = 0; k < outputs; k++) {
      double g = dLogits[k];
      if (g == 0) {
        continue;
      }
      int row = w2 + k * hidden;
      for (int j = 0; j < hidden; j++) {
        grad[row + j] += g * (dropped ? h[j] * scale[j] : h[j]);
        dh[j] += g * params[row + j];
      }
      grad[w2 + hidden * outputs + k] += g;
    }
    for (int j = 0; j < hidden; j++) {
      dh[j] *= (1 - h[j] * h[j]) * (dropped ? scale[j] : 1);
    }
    affineBackward(x, 0, hidden, dh, grad);
  }

  private void affineBackward(float[] x, int off, int rows, double[] d, double[] grad) {
    int bias = off + rows * inputs;
    for (int r = 0; r < rows; r++) {
      grad[bias + r] += d[r];
    }
    for (int i = 0; i < inputs; i++) {
      float xi = x[i];
      if (xi == 0f) {
        continue;
      }
      int col = off + i * rows;
      for (int r = 0; r < rows; r++) {
        grad[col + r] += d[r] * xi;
      }
    }
  }

  /**
   * The same network with its outputs re-laid out: output {@code k} of the result is output {@code
   * keep[k]} of this one for {@code k < keep.length}, and the {@code added} outputs after them
   * start with zero weights and bias (logit 0 until warm-started). The input and hidden layers are
   * kept.
   *
   * @param keep the outputs kept, in their new order (distinct, each in [0, outputs))
   * @param added outputs appended, &gt;= 0
   * @return the new network
   * @throws IllegalArgumentException if no output would remain or an index is out of range
   */
  public Mlp withOutputs(int[] keep, int added) {
    return new Mlp(inputs, hidden, keep.length + added, remapOutputs(params, keep, added));
  }

  /**
   * Re-lays out any per-parameter array (the parameters themselves, an optimiser's moments) as
   * {@link #withOutputs} does: the values of kept outputs move with them, new outputs get zeros.
   *
   * @param perParam one value per parameter of this network
   * @param keep the outputs kept, in their new order
   * @param added outputs appended, &gt;= 0
   * @return the array for the new shape
   */
  public double[] remapOutputs(double[] perParam, int[] keep, int added) {
    if (perParam.length != params.length) {
      throw new IllegalArgumentException(
          "expected " + params.length + " values, got " + perParam.length);
    }
    int n = keep.length + added;
    if (added < 0 || n < 1) {
      throw new IllegalArgumentException("a network needs at least one output, got " + n);
    }
    java.util.BitSet seen = new java.util.BitSet(outputs);
    for (int k : keep) {
      java.util.Objects.checkIndex(k, outputs);
      if (seen.get(k)) {
        throw new IllegalArgumentException("output " + k + " kept twice");
      }
      seen.set(k);
    }
    double[] out = new double[size(inputs, hidden, n)];
    if (hidden == 0) {
      for (int i = 0; i < inputs; i++) {
        for (int k = 0; k < keep.length; k++) {
          out[i * n + k] = perParam[i * outputs + keep[k]];
        }
      }
      for (int k = 0; k < keep.length; k++) {
        out[inputs * n + k] = perParam[inputs * outputs + keep[k]];
      }
      return out;
    }
    int w2 = inputs * hidden + hidden;
    System.arraycopy(perParam, 0, out, 0, w2);
    for (int k = 0; k < keep.length; k++) {
      System.arraycopy(perParam, w2 + keep[k] * hidden, out, w2 + k * hidden, hidden);
      out[w2 + hidden * n + k] = perParam[w2 + hidden * outputs + keep[k]];
    }
    return out;
  }

  /**
   * Marks the parameters that feed one output: its column of the linear layer and its bias, or its
   * row of the output layer and its bias in a hidden network. A warm start trains only these.
   *
   * @param output an output index
   * @param includeBias whether the output's bias is included
   * @return one flag per parameter
   */
  public boolean[] outputParameters(int output, boolean includeBias) {
    java.util.Objects.checkIndex(output, outputs);
    boolean[] mask = new boolean[params.length];
    if (hidden == 0) {
      for (int i = 0; i < inputs; i++) {
        mask[i * outputs + output] = true;
      }
      mask[inputs * outputs + output] = includeBias;
      return mask;
    }
    int w2 = inputs * hidden + hidden;
    for (int j = 0; j < hidden; j++) {
      mask[w2 + output * hidden + j] = true;
    }
    mask[w2 + hidden * outputs + output] = includeBias;
    return mask;
  }

  /**
   * @return a deep copy
   */
  public Mlp copy() {
    return new Mlp(inputs, hidden, outputs, params.clone());
  }

  @Override
  public String toString() {
    return "Mlp[" + inputs + "-" + (hidden == 0 ? "" : hidden + "-") + outputs + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mlp m
        && m.inputs == inputs
        && m.hidden == hidden
        && m.outputs == outputs
        && Arrays.equals(m.params, params);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(params) * 31 + inputs;
  }
}
