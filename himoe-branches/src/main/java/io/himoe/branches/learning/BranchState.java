package io.himoe.branches.learning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.himoe.branches.model.GradientHook;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the learner remembers about one branch: its gradient and Fisher diagonal at the end of its
 * last task (for conflict checks), and the anchors and importances of its protection penalty.
 */
final class BranchState implements GradientHook {

  private final Protection protection;
  private final List<NDArray> params;
  private final Map<NDArray, Integer> index = new IdentityHashMap<>();
  private List<NDArray> anchors;
  private List<NDArray> importance;
  private List<NDArray> pathIntegral;
  private List<NDArray> taskStart;
  float[] gradient;
  float[] fisher;
  boolean protecting;

  BranchState(Protection protection, List<NDArray> params) {
    this.protection = protection;
    this.params = List.copyOf(params);
    for (int i = 0; i < params.size(); i++) {
      index.put(params.get(i), i);
    }
  }

  /** Called before training this branch on a task. */
  void startTask() {
    if (protection instanceof Protection.Si) {
      pathIntegral = persistentZeros();
      taskStart = persistentCopies();
    }
  }

  /**
   * Called after training: stores the task's accumulated gradient and the Fisher measured on its
   * probe, then sets the penalty's anchors to the current weights and grows the importances.
   */
  void endTask(float[] accumulatedGradient, float[] fisherOnProbe) {
    gradient = accumulatedGradient;
    fisher = fisher == null ? fisherOnProbe.clone() : add(fisher, fisherOnProbe);
    if (protection instanceof Protection.None) {
      return;
    }
    List<NDArray> newImportance =
        switch (protection) {
          case Protection.L2 l -> ones();
          case Protection.Ewc e -> split(normalised(fisherOnProbe));
          case Protection.Si s -> siImportance(s.xi());
          case Protection.None n -> throw new IllegalStateException("unreachable");
        };
    if (importance == null || protection instanceof Protection.L2) {
      closeAll(importance);
      importance = newImportance;
    } else {
      for (int i = 0; i < importance.size(); i++) {
        importance.get(i).addi(newImportance.get(i));
      }
      closeAll(newImportance);
    }
    if (protection instanceof Protection.Ewc) {
      rescaleToUnitMax(importance);
    }
    closeAll(anchors);
    anchors = persistentCopies();
    protecting = true;
  }

  @Override
  public NDArray extra(NDArray param) {
    Integer i = index.get(param);
    if (!protecting || i == null || protection.strength() == 0) {
      return null;
    }
    // gradient of λ/2 Σ Ω (θ - θ*)²
    return param
        .stopGradient()
        .sub(anchors.get(i))
        .mul(importance.get(i))
        .mul(protection.strength());
  }

  @Override
  public void afterStep(NDArray param, NDArray lossGradient, NDArray delta) {
    Integer i = index.get(param);
    if (pathIntegral != null && i != null) {
      pathIntegral.get(i).subi(lossGradient.mul(delta));
    }
  }

  /**
   * Keeps the summed EWC importance at a maximum of 1: summed over many tasks it grew until {@code
   * λ·Ω·lr} passed SGD-with-momentum's stability limit and permuted MNIST diverged.
   */
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
    List<NDArray> out = new ArrayList<>();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (int i = 0; i < params.size(); i++) {
        NDArray moved = params.get(i).stopGradient().sub(taskStart.get(i)).square().add(xi);
        // negative path integrals (the loss went up along that weight) carry no importance
        NDArray omega = pathIntegral.get(i).div(moved).maximum(0f);
        NDScope.unregister(omega);
        out.add(omega);
      }
    }
    closeAll(pathIntegral);
    closeAll(taskStart);
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
      out.add(unregistered(p.getManager().create(part, p.getShape())));
    }
    return out;
  }

  private List<NDArray> ones() {
    List<NDArray> out = new ArrayList<>();
    for (NDArray p : params) {
      out.add(unregistered(p.getManager().ones(p.getShape())));
    }
    return out;
  }

  private List<NDArray> persistentZeros() {
    List<NDArray> out = new ArrayList<>();
    for (NDArray p : params) {
      out.add(unregistered(p.getManager().zeros(p.getShape())));
    }
    return out;
  }

  private List<NDArray> persistentCopies() {
    List<NDArray> out = new ArrayList<>();
    for (NDArray p : params) {
      out.add(unregistered(p.stopGradient().duplicate()));
    }
    return out;
  }

  /**
   * @return the floats the protection penalty keeps beside the branch's parameters: anchors and
   *     importances (and, during a task, synaptic intelligence's path integral and start weights)
   */
  long protectionFloats() {
    long n = 0;
    for (List<NDArray> l : java.util.Arrays.asList(anchors, importance, pathIntegral, taskStart)) {
      if (l != null) {
        for (NDArray a : l) {
          n += a.size();
        }
      }
    }
    return n;
  }

  /** Writes the conflict and protection state (the parameters themselves are the network's). */
  void writeTo(DataOutput out) throws IOException {
    out.writeBoolean(protecting);
    writeFloats(out, gradient);
    writeFloats(out, fisher);
    for (List<NDArray> l : java.util.Arrays.asList(anchors, importance, pathIntegral, taskStart)) {
      out.writeBoolean(l != null);
      if (l != null) {
        for (NDArray a : l) {
          writeFloats(out, a.toFloatArray());
        }
      }
    }
  }

  /** Reads what {@link #writeTo} wrote for a branch whose parameters are {@code params}. */
  static BranchState readFrom(DataInput in, Protection protection, List<NDArray> params)
      throws IOException {
    BranchState s = new BranchState(protection, params);
    s.protecting = in.readBoolean();
    s.gradient = readFloats(in);
    s.fisher = readFloats(in);
    List<List<NDArray>> lists = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      if (!in.readBoolean()) {
        lists.add(null);
        continue;
      }
      List<NDArray> l = new ArrayList<>();
      for (NDArray p : params) {
        float[] v = readFloats(in);
        if (v == null || v.length != p.size()) {
          throw new IOException("protection state does not match the branch's parameters");
        }
        l.add(unregistered(p.getManager().create(v, p.getShape())));
      }
      lists.add(l);
    }
    s.anchors = lists.get(0);
    s.importance = lists.get(1);
    s.pathIntegral = lists.get(2);
    s.taskStart = lists.get(3);
    return s;
  }

  private static void writeFloats(DataOutput out, float[] v) throws IOException {
    out.writeInt(v == null ? -1 : v.length);
    if (v != null) {
      for (float f : v) {
        out.writeFloat(f);
      }
    }
  }

  private static float[] readFloats(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < -1 || n > 100_000_000) {
      throw new IOException("implausible array length " + n);
    }
    if (n == -1) {
      return null;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  void close() {
    closeAll(anchors);
    closeAll(importance);
    closeAll(pathIntegral);
    closeAll(taskStart);
  }

  private static NDArray unregistered(NDArray a) {
    NDScope.unregister(a);
    return a;
  }

  private static void closeAll(List<NDArray> arrays) {
    if (arrays != null) {
      arrays.forEach(NDArray::close);
    }
  }

  /**
   * Fisher scaled to a maximum of 1: a well-fit branch has a tiny empirical Fisher (its loss is
   * near 0), which would make λ depend on how well the task was fit; scaled, λ reads like an L2
   * strength on the most important weight.
   */
  private static float[] normalised(float[] f) {
    float max = 0;
    for (float v : f) {
      max = Math.max(max, v);
    }
    float[] out = f.clone();
    if (max > 0) {
      for (int i = 0; i < out.length; i++) {
        out[i] /= max;
      }
    }
    return out;
  }

  private static float[] add(float[] a, float[] b) {
    float[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += b[i];
    }
    return out;
  }
}
