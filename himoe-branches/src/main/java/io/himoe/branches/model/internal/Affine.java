package io.himoe.branches.model.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * One affine layer {@code y = x·W + b}: either full weights, or a low-rank delta over a shared base
 * ({@code W = W_base + A·B}). Parameters require gradients and live in the network's manager.
 */
public final class Affine {

  /** The weights: a layer's own full matrix, or a low-rank delta over a full base layer's. */
  private sealed interface Weights {}

  /** {@code W}, {@code [in, out]}. */
  private record Full(NDArray w) implements Weights {}

  /**
   * {@code W = base + A·B}: A {@code [in, rank]}, B {@code [rank, out]}, base {@code [in, out]}.
   */
  private record Delta(NDArray a, NDArray b, Full base) implements Weights {}

  private final Weights weights;
  private final NDArray bias;

  private Affine(Weights weights, NDArray bias) {
    this.weights = weights;
    this.bias = bias;
    for (NDArray p : params()) {
      p.setRequiresGradient(true);
    }
  }

  /**
   * A full layer with He-initialised weights and zero bias.
   *
   * @param m the manager that owns the parameters
   * @param in input width
   * @param out output width
   * @return the layer
   */
  public static Affine full(NDManager m, int in, int out) {
    NDArray w =
        m.randomNormal(0f, (float) Math.sqrt(2.0 / in), new Shape(in, out), DataType.FLOAT32);
    return new Affine(new Full(w), m.zeros(new Shape(out), DataType.FLOAT32));
  }

  /**
   * A low-rank delta over {@code base}, starting at zero (B = 0), with a copy of the base's bias.
   *
   * @param m the manager
   * @param base the shared full layer
   * @param rank the delta's rank
   * @return the layer
   * @throws IllegalArgumentException if {@code base} is itself a low-rank delta
   */
  public static Affine lowRank(NDManager m, Affine base, int rank) {
    if (!(base.weights instanceof Full full)) {
      throw new IllegalArgumentException("a low-rank delta needs a full base layer");
    }
    long in = full.w().getShape().get(0);
    long out = full.w().getShape().get(1);
    NDArray a =
        m.randomNormal(0f, (float) (1.0 / Math.sqrt(in)), new Shape(in, rank), DataType.FLOAT32);
    NDArray b = m.zeros(new Shape(rank, out), DataType.FLOAT32);
    return new Affine(new Delta(a, b, full), base.bias.duplicate());
  }

  /**
   * @param x a batch {@code [n, in]}
   * @return {@code [n, out]}
   */
  public NDArray forward(NDArray x) {
    NDArray y =
        switch (weights) {
          case Full f -> x.matMul(f.w());
          case Delta d -> x.matMul(d.base().w()).add(x.matMul(d.a()).matMul(d.b()));
        };
    return y.add(bias);
  }

  /**
   * @return this layer's own trainable parameters (not the shared base)
   */
  public List<NDArray> params() {
    List<NDArray> out = new ArrayList<>(3);
    switch (weights) {
      case Full f -> out.add(f.w());
      case Delta d -> {
        out.add(d.a());
        out.add(d.b());
      }
    }
    out.add(bias);
    return out;
  }

  /**
   * @return this layer's own parameter values, flattened row-major, in {@link #params()} order
   */
  public float[][] values() {
    List<NDArray> ps = params();
    float[][] out = new float[ps.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = ps.get(i).stopGradient().toFloatArray();
    }
    return out;
  }

  /**
   * @return the shapes of this layer's own parameters, in {@link #params()} order
   */
  public long[][] shapes() {
    List<NDArray> ps = params();
    long[][] out = new long[ps.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = ps.get(i).getShape().getShape();
    }
    return out;
  }

  /**
   * Overwrites this layer's own parameters in place (the arrays keep their identity, so optimizer
   * state and protection anchors keyed by them stay attached).
   *
   * @param values flattened values in {@link #params()} order
   * @throws IllegalArgumentException if a size does not match
   */
  public void set(float[][] values) {
    List<NDArray> ps = params();
    if (values.length != ps.size()) {
      throw new IllegalArgumentException(
          "layer has " + ps.size() + " parameters, got " + values.length + " arrays");
    }
    for (int i = 0; i < values.length; i++) {
      NDArray p = ps.get(i);
      if (values[i].length != p.size()) {
        throw new IllegalArgumentException(
            "parameter " + i + " has " + p.size() + " values, got " + values[i].length);
      }
      // in place through the detached view (same storage, no autograd complaint on a leaf);
      // NDArray.set would give the view a new buffer and leave the parameter as it was
      try (NDArray src = p.getManager().create(values[i], p.getShape())) {
        p.stopGradient().muli(0f).addi(src);
      }
    }
  }

  /**
   * @return whether this layer is a low-rank delta
   */
  public boolean lowRank() {
    return weights instanceof Delta;
  }

  /**
   * @return the number of floats this layer owns
   */
  public long size() {
    long n = 0;
    for (NDArray p : params()) {
      n += p.size();
    }
    return n;
  }

  /**
   * @return an independent copy (same base for a delta) in the same manager
   */
  public Affine copy() {
    Weights copied =
        switch (weights) {
          case Full f -> new Full(detachedCopy(f.w()));
          case Delta d -> new Delta(detachedCopy(d.a()), detachedCopy(d.b()), d.base());
        };
    return new Affine(copied, detachedCopy(bias));
  }

  /**
   * @return the effective weight matrix {@code [in, out]} as a new array (W, or W_base + A·B)
   */
  public NDArray effectiveWeight() {
    return switch (weights) {
      case Full f -> f.w().duplicate();
      case Delta d -> d.base().w().add(d.a().matMul(d.b()));
    };
  }

  private static NDArray detachedCopy(NDArray p) {
    NDArray c = p.stopGradient().duplicate();
    c.attach(p.getManager());
    return c;
  }
}
