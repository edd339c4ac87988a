package io.himoe.branches.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.himoe.branches.model.internal.Affine;
import io.himoe.branches.model.internal.DjlRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The bank of weight versions: the shared layers, each live branch slot's own layers (a full copy
 * or a low-rank delta over the shared layer), the contextual gate, usage counts, and the forward
 * pass of one branch. Branch ids are slot indices in {@code [0, maxBranches)}; slot 0 is live from
 * the start. Not thread-safe: {@link BranchedNetwork} serialises access.
 */
final class BranchBank implements AutoCloseable {

  final NetworkConfig config;
  final NDManager manager;
  final Affine[] shared;
  // Per slot, null when the slot is empty; per layer of a slot, null when the layer is not branched
  // (the shared layer serves it).
  final @Nullable Affine[] @Nullable [] branches;
  final ContextGate gate;
  final long[] usage;
  boolean sharedFrozen;

  BranchBank(NetworkConfig config) {
    this.config = config;
    Engine engine = DjlRuntime.pytorch();
    engine.setRandomSeed((int) config.seed());
    this.manager = engine.newBaseManager(Device.cpu());
    int layers = config.layers();
    this.shared = new Affine[layers];
    this.branches = new Affine[config.maxBranches()][];
    for (int l = 0; l < layers; l++) {
      shared[l] = Affine.full(manager, config.fanIn(l), config.fanOut(l));
    }
    branches[0] = firstVersions();
    this.gate = new ContextGate(manager, config);
    this.usage = new long[config.maxBranches()];
  }

  /** A new slot's layers as they are at creation: a version of each branched layer. */
  @Nullable Affine[] firstVersions() {
    int layers = config.layers();
    @Nullable Affine[] first = new Affine[layers];
    for (int l = 0; l < layers; l++) {
      if (config.granularity().branched(l, layers)) {
        first[l] = firstVersion(l);
      }
    }
    return first;
  }

  /**
   * A branch's own version of layer {@code l}: a full copy, or a low-rank delta unless the delta
   * would cost at least as many floats as a copy (a 400 -> 10 head: rank 32 is 13 120 floats, a
   * copy 4 000 and more expressive), in which case the layer is copied even for low-rank branches.
   */
  private Affine firstVersion(int l) {
    long in = config.fanIn(l);
    long out = config.fanOut(l);
    boolean cheaper = (long) config.rank() * (in + out) < in * out;
    return config.kind() == BranchKind.LOW_RANK && cheaper
        ? Affine.lowRank(manager, shared[l], config.rank())
        : shared[l].copy();
  }

  List<Integer> live() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < branches.length; i++) {
      if (branches[i] != null) {
        out.add(i);
      }
    }
    return out;
  }

  @Nullable Affine[] live(int id) {
    @Nullable Affine[] own = id < 0 || id >= branches.length ? null : branches[id];
    if (own == null) {
      throw new IllegalArgumentException("branch " + id + " is not live (live: " + live() + ")");
    }
    return own;
  }

  boolean[] liveMask() {
    boolean[] m = new boolean[branches.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = branches[i] != null;
    }
    return m;
  }

  int spawn(int parent) {
    @Nullable Affine[] src = live(parent);
    int slot = -1;
    for (int i = 0; i < branches.length && slot < 0; i++) {
      if (branches[i] == null) {
        slot = i;
      }
    }
    if (slot < 0) {
      throw new IllegalStateException(
          "all " + branches.length + " branch slots are taken (maxBranches)");
    }
    @Nullable Affine[] copy = new Affine[src.length];
    for (int l = 0; l < src.length; l++) {
      Affine layer = src[l];
      copy[l] = layer == null ? null : layer.copy();
    }
    branches[slot] = copy;
    usage[slot] = 0;
    sharedFrozen = true;
    return slot;
  }

  /**
   * Empties a slot and closes its arrays.
   *
   * @return the parameters it held (closed), so that state kept per parameter can be dropped
   */
  List<NDArray> remove(int id) {
    @Nullable Affine[] own = live(id);
    if (live().size() == 1) {
      throw new IllegalStateException("cannot remove branch " + id + ": it is the last one");
    }
    List<NDArray> gone = new ArrayList<>();
    for (@Nullable Affine a : own) {
      if (a != null) {
        gone.addAll(a.params());
      }
    }
    branches[id] = null;
    return gone;
  }

  /** A branch's own parameters (the ones a spawn copies and a protection anchors). Live. */
  List<NDArray> ownParams(int branch) {
    List<NDArray> out = new ArrayList<>();
    for (@Nullable Affine a : live(branch)) {
      if (a != null) {
        out.addAll(a.params());
      }
    }
    return out;
  }

  /**
   * The parameters one training step on {@code branch} updates: its own layers, plus the shared
   * layers while they are not frozen. Live references.
   */
  List<NDArray> trainable(int branch) {
    List<NDArray> out = new ArrayList<>();
    @Nullable Affine[] own = live(branch);
    for (int l = 0; l < own.length; l++) {
      Affine layer = own[l];
      if (layer != null) {
        out.addAll(layer.params());
      }
      if (!sharedFrozen && (layer == null || layer.lowRank())) {
        out.addAll(shared[l].params());
      }
    }
    return out;
  }

  NDArray logits(int branch, NDArray x) {
    @Nullable Affine[] own = live(branch);
    NDArray h = x;
    for (int l = 0; l < shared.length; l++) {
      h = Objects.requireNonNullElse(own[l], shared[l]).forward(h);
      if (l < shared.length - 1) {
        h = Activation.relu(h);
      }
    }
    return h;
  }

  NDArray batch(float[][] x) {
    int d = config.inputs();
    float[] flat = new float[x.length * d];
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != d) {
        throw new IllegalArgumentException(
            "input " + i + " has " + x[i].length + " features, the network expects " + d);
      }
      System.arraycopy(x[i], 0, flat, i * d, d);
    }
    return manager.create(flat, new Shape(x.length, d));
  }

  NDArray oneHot(int[] y) {
    int classes = config.classes();
    float[] flat = new float[y.length * classes];
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + i + " is " + y[i] + ", expected [0, " + classes + ")");
      }
      flat[i * classes + y[i]] = 1f;
    }
    return manager.create(flat, new Shape(y.length, classes));
  }

  long parameterCount() {
    long n = gate.size();
    @Nullable Affine[] b0 = live(live().getFirst());
    for (int l = 0; l < shared.length; l++) {
      Affine layer = b0[l];
      if (layer == null || layer.lowRank()) {
        n += shared[l].size();
      }
    }
    for (int b : live()) {
      n += branchParameterCount(b);
    }
    return n;
  }

  long branchParameterCount(int branch) {
    long n = 0;
    for (@Nullable Affine a : live(branch)) {
      if (a != null) {
        n += a.size();
      }
    }
    return n;
  }

  long singleNetworkParameters() {
    long n = 0;
    for (int l = 0; l < config.layers(); l++) {
      n += (long) config.fanIn(l) * config.fanOut(l) + config.fanOut(l);
    }
    return n;
  }

  @Override
  public void close() {
    manager.close();
  }
}
