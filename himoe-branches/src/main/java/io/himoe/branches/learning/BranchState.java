package io.himoe.branches.learning;

import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.Importance;
import io.himoe.branches.model.PenaltyState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What the learner remembers about one branch: its gradient and Fisher diagonal at the end of its
 * last task (for conflict checks), and its protection penalty's state (anchors and importances,
 * kept by the network as {@link PenaltyState}).
 */
final class BranchState {

  /**
   * A branch's conflict reference at the end of its last task.
   *
   * @param gradient the task's accumulated gradient
   * @param fisher the Fisher diagonal measured on the task's probe, summed over its tasks
   */
  record Conflict(float[] gradient, float[] fisher) {}

  private final Protection protection;
  final PenaltyState penalty;
  private @Nullable Conflict conflict; // null until the branch's first task ends
  boolean protecting;

  BranchState(Protection protection, PenaltyState penalty) {
    this.protection = protection;
    this.penalty = penalty;
  }

  /**
   * @return the gradient and Fisher of the branch's last task, or null before its first task ends
   */
  @Nullable Conflict conflict() {
    return conflict;
  }

  /** Called before training this branch on a task. */
  void startTask() {
    penalty.startTask(protection instanceof Protection.Si);
  }

  /**
   * Called after training: stores the task's accumulated gradient and the Fisher measured on its
   * probe, then sets the penalty's anchors to the current weights and grows the importances.
   */
  void endTask(float[] accumulatedGradient, float[] fisherOnProbe) {
    Conflict before = conflict;
    conflict =
        new Conflict(
            accumulatedGradient,
            before == null ? fisherOnProbe.clone() : add(before.fisher(), fisherOnProbe));
    Importance update =
        switch (protection) {
          case Protection.None n -> null;
          case Protection.L2 l -> new Importance.Ones();
          case Protection.Ewc e -> new Importance.Fisher(normalised(fisherOnProbe));
          case Protection.Si s -> new Importance.PathIntegral(s.xi());
        };
    if (update == null) {
      return;
    }
    penalty.endTask(update);
    protecting = true;
  }

  /**
   * @return the floats the protection penalty keeps beside the branch's parameters: anchors and
   *     importances (and, during a task, synaptic intelligence's path integral and start weights)
   */
  long protectionFloats() {
    return penalty.floats();
  }

  /** Writes the conflict and protection state (the parameters themselves are the network's). */
  void writeTo(DataOutput out) throws IOException {
    out.writeBoolean(protecting);
    Conflict c = conflict;
    writeFloats(out, c == null ? null : c.gradient());
    writeFloats(out, c == null ? null : c.fisher());
    penalty.writeTo(out);
  }

  /** Reads what {@link #writeTo} wrote for a live branch of {@code net}. */
  static BranchState readFrom(DataInput in, Protection protection, BranchedNetwork net, int branch)
      throws IOException {
    boolean protecting = in.readBoolean();
    float[] gradient = readFloats(in);
    float[] fisher = readFloats(in);
    if ((gradient == null) != (fisher == null)) {
      throw new IOException("branch " + branch + " has a gradient or a Fisher diagonal alone");
    }
    BranchState s =
        new BranchState(protection, net.readPenaltyState(branch, protection.strength(), in));
    s.protecting = protecting;
    s.conflict = gradient == null || fisher == null ? null : new Conflict(gradient, fisher);
    return s;
  }

  private static void writeFloats(DataOutput out, float @Nullable [] v) throws IOException {
    out.writeInt(v == null ? -1 : v.length);
    if (v != null) {
      for (float f : v) {
        out.writeFloat(f);
      }
    }
  }

  private static float @Nullable [] readFloats(DataInput in) throws IOException {
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
    penalty.close();
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
