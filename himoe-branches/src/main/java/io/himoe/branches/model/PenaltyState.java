package io.himoe.branches.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The state of a quadratic protection penalty {@code λ/2 Σ Ω_i (θ_i - θ*_i)²} over one branch's own
 * weights: the anchors {@code θ*} (the weights at the end of the last task), the importances {@code
 * Ω}, and, while a task trains under synaptic intelligence, the path integral and the task's
 * starting weights. Its tensors live in the network's native memory; {@link #close} frees them.
 * Made by {@link BranchedNetwork#penaltyState}; handed to {@link BranchedNetwork#trainStep}.
 */
public final class PenaltyState implements AutoCloseable {

  private final List<NDArray> params;
  private final double strength;
  private final Map<NDArray, Integer> index = new IdentityHashMap<>();
  // Null until the first task ends (anchors, importance) or outside a task that gathers the path
  // integral (pathIntegral, taskStart).
  private @Nullable List<NDArray> anchors;
  private @Nullable List<NDArray> importance;
  private @Nullable List<NDArray> pathIntegral;
  private @Nullable List<NDArray> taskStart;

  PenaltyState(List<NDArray> params, double strength) {
    this.params = List.copyOf(params);
    this.strength = strength;
    for (int i = 0; i < params.size(); i++) {
      index.put(params.get(i), i);
    }
  }

  /**
   * Starts a task: with {@code integratePath}, the path integral is gathered from zero during the
   * task's steps (synaptic intelligence).
   *
   * @param integratePath whether to gather the path integral
   */
  public void startTask(boolean integratePath) {
    if (integratePath) {
      pathIntegral = persistentZeros();
      taskStart = persistentCopies();
    }
  }

  /**
   * Ends a task: updates the importances and sets the anchors to the current weights.
   *
   * @param update how the importances change
   * @throws IllegalStateException for {@link Importance.PathIntegral} when the task was not started
   *     with {@code integratePath}
   */
  public void endTask(Importance update) {
    List<NDArray> fresh =
        switch (update) {
          case Importance.Ones o -> ones();
          case Importance.Fisher f -> split(f.fisher());
          case Importance.PathIntegral s -> siImportance(s.xi());
        };
    List<NDArray> kept = importance;
    if (kept == null || update instanceof Importance.Ones) {
      Tensors.closeAll(kept);
      kept = fresh;
    } else {
      for (int i = 0; i < kept.size(); i++) {
        kept.get(i).addi(fresh.get(i));
      }
      Tensors.closeAll(fresh);
    }
    importance = kept;
    if (update instanceof Importance.Fisher) {
      rescaleToUnitMax(kept);
    }
    Tensors.closeAll(anchors);
    anchors = persistentCopies();
  }

  /**
   * @return the floats this state holds: anchors and importances (and the path integral and start
   *     weights during a task)
   */
  public long floats() {
    long n = 0;
    for (@Nullable List<NDArray> l :
        java.util.Arrays.asList(anchors, importance, pathIntegral, taskStart)) {
      if (l != null) {
        for (NDArray a : l) {
          n += a.size();
        }
      }
    }
    return n;
  }

  /** The penalty's gradient for {@code param}: {@code λ Ω (θ - θ*)}, or null for none. */
  @Nullable NDArray extra(NDArray param) {
    Integer i = index.get(param);
    List<NDArray> anchor = anchors;
    List<NDArray> weight = importance;
    if (i == null || anchor == null || weight == null || strength == 0) {
      return null;
    }
    return param.stopGradient().sub(anchor.get(i)).mul(weight.get(i)).mul(strength);
  }

  /** Gathers synaptic intelligence's path integral {@code -Σ g·Δθ}, when a task gathers it. */
  void afterStep(NDArray param, NDArray lossGradient, NDArray delta) {
    Integer i = index.get(param);
    List<NDArray> path = pathIntegral;
    if (path != null && i != null) {
      path.get(i).subi(lossGradient.mul(delta));
    }
  }

  /**
   * Writes anchors, importances, path integral and start weights, each as a presence flag then its
   * arrays (length-prefixed floats).
   *
   * @param out the stream
   * @throws IOException if writing fails
   */
  public void writeTo(DataOutput out) throws IOException {
    for (@Nullable List<NDArray> l :
        java.util.Arrays.asList(anchors, importance, pathIntegral, taskStart)) {
      out.writeBoolean(l != null);
      if (l != null) {
        for (NDArray a : l) {
          float[] v = a.toFloatArray();
          out.writeInt(v.length);
          for (float f : v) {
            out.writeFloat(f);
          }
        }
      }
    }
  }

  /** Reads what {@link #writeTo} wrote into this (new) state. */
  void readFrom(DataInput in) throws IOException {
    List<@Nullable List<NDArray>> lists = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      if (!in.readBoolean()) {
        lists.add(null);
        continue;
      }
      List<NDArray> l = new ArrayList<>();
      for (NDArray p : params) {
        int n = in.readInt();
        if (n != p.size()) {
          throw new IOException("protection state does not match the branch's parameters");
        }
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
          v[j] = in.readFloat();
        }
        l.add(Tensors.unregistered(p.getManager().create(v, p.getShape())));
      }
      lists.add(l);
    }
    anchors = lists.get(0);
    importance = lists.get(1);
    pathIntegral = lists.get(2);
    taskStart = lists.get(3);
  }

  /** Frees the state's native memory. */
  @Override
  public void close() {
    Tensors.closeAll(anchors);
    Tensors.closeAll(importance);
    Tensors.closeAll(pathIntegral);
    Tensors.closeAll(taskStart);
  }

  private static void rescaleToUnitMax(List<NDArray> arrays) {
    float max = 0;
    for (NDArray a : arrays) {
      try (NDArray m = a.max()) {
        max = Math.max(max, m.getFloat());
      }
    }
    if (max > 0) {
      for (NDArray a : arrays) {
        a.divi(max);
      }
    }
  }

  private List<NDArray> siImportance(double xi) {
    List<NDArray> path = pathIntegral;
    List<NDArray> start = taskStart;
    if (path == null || start == null) {
      throw new IllegalStateException(
          "synaptic-intelligence importance needs a task started with integratePath");
    }
    List<NDArray> out = new ArrayList<>();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (int i = 0; i < params.size(); i++) {
        NDArray moved = params.get(i).stopGradient().sub(start.get(i)).square().add(xi);
        // negative path integrals (the loss went up along that weight) carry no importance
        NDArray omega = path.get(i).div(moved).maximum(0f);
        NDScope.unregister(omega);
        out.add(omega);
      }
    }
    Tensors.closeAll(path);
    Tensors.closeAll(start);
    pathIntegral = null;
    taskStart = null;
    return out;
  }

  private List<NDArray> split(float[] flat) {
    List<NDArray> out = new ArrayList<>();
    int at = 0;
    for (NDArray p : params) {
      int n = (int) p.size();
      float[] part = new float[n];
      System.arraycopy(flat, at, part, 0, n);
      at += n;
      out.add(Tensors.unregistered(p.getManager().create(part, p.getShape())));
    }
    return out;
  }

  private List<NDArray> ones() {
    List<NDArray> out = new ArrayList<>();
    for (NDArray p : params) {
      out.add(Tensors.unregistered(p.getManager().ones(p.getShape())));
    }
    return out;
  }

  private List<NDArray> persistentZeros() {
    List<NDArray> out = new ArrayList<>();
    for (NDArray p : params) {
      out.add(Tensors.unregistered(p.getManager().zeros(p.getShape())));
    }
    return out;
  }

  private List<NDArray> persistentCopies() {
    List<NDArray> out = new ArrayList<>();
    for (NDArray p : params) {
      out.add(Tensors.unregistered(p.stopGradient().duplicate()));
    }
    return out;
  }
}
