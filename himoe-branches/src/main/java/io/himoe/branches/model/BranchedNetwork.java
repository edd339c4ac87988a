package io.himoe.branches.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.himoe.branches.model.internal.Affine;
import io.himoe.branches.model.internal.Autograd;
import io.himoe.branches.model.internal.DjlRuntime;
import io.himoe.branches.model.internal.TruncatedSvd;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier whose branched layers hold a bank of weight versions ("branches"), with a light
 * contextual gate that weighs the branches per input (seed 004, version A). Branch ids are slot
 * indices in {@code [0, maxBranches)}; slot 0 is live from the start.
 *
 * <p>Tensors run on DJL's PyTorch CPU engine; the native library is loaded from the Maven jar, so
 * nothing is downloaded. Methods are synchronized: one network serves one thread at a time. Close
 * the network to free native memory.
 */
public final class BranchedNetwork implements AutoCloseable {

  /** Gradients are clipped to this global L2 norm before each step. */
  static final double MAX_GRAD_NORM = 5.0;

  private final NetworkConfig config;
  private final NDManager manager;
  private final Affine[] shared;
  private final Affine[][] branches;
  private final ContextGate gate;
  private final long[] usage;
  private final Map<NDArray, NDArray> velocity = new IdentityHashMap<>();
  private final Map<NDArray, NDArray> second = new IdentityHashMap<>();
  private final Map<NDArray, Long> steps = new IdentityHashMap<>();
  private boolean sharedFrozen;

  private BranchedNetwork(NetworkConfig config) {
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
    Affine[] first = new Affine[layers];
    for (int l = 0; l < layers; l++) {
      if (config.granularity().branched(l, layers)) {
        first[l] = firstVersion(config, manager, shared[l], l);
      }
    }
    branches[0] = first;
    this.gate = new ContextGate(manager, config);
    this.usage = new long[config.maxBranches()];
  }

  /**
   * A branch's own version of layer {@code l}: a full copy, or a low-rank delta unless the delta
   * would cost at least as many floats as a copy (a 400 -> 10 head: rank 32 is 13 120 floats, a
   * copy 4 000 and more expressive), in which case the layer is copied even for low-rank branches.
   */
  private static Affine firstVersion(NetworkConfig config, NDManager m, Affine shared, int l) {
    long in = config.fanIn(l);
    long out = config.fanOut(l);
    boolean cheaper = (long) config.rank() * (in + out) < in * out;
    return config.kind() == BranchKind.LOW_RANK && cheaper
        ? Affine.lowRank(m, shared, config.rank())
        : shared.copy();
  }

  /**
   * @param config the network's shape
   * @return a new network with one live branch (id 0)
   */
  public static BranchedNetwork create(NetworkConfig config) {
    return new BranchedNetwork(config);
  }

  /**
   * @return the configuration
   */
  public NetworkConfig config() {
    return config;
  }

  /**
   * @return live branch ids, ascending
   */
  public synchronized List<Integer> branches() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < branches.length; i++) {
      if (branches[i] != null) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * Spawns a branch as a copy of {@code parent} (its weights or its low-rank delta). From then on
   * the shared layers are frozen so that no branch's function changes behind its back.
   *
   * @param parent a live branch
   * @return the new branch's id
   * @throws IllegalStateException when every slot is taken
   */
  public synchronized int spawn(int parent) {
    Affine[] src = live(parent);
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
    Affine[] copy = new Affine[src.length];
    for (int l = 0; l < src.length; l++) {
      copy[l] = src[l] == null ? null : src[l].copy();
    }
    branches[slot] = copy;
    usage[slot] = 0;
    sharedFrozen = true;
    return slot;
  }

  /**
   * Removes a branch (merge or collection); its slot becomes free.
   *
   * @param id a live branch
   * @throws IllegalStateException when it is the last live branch
   */
  public synchronized void remove(int id) {
    live(id);
    if (branches().size() == 1) {
      throw new IllegalStateException("cannot remove branch " + id + ": it is the last one");
    }
    for (Affine a : branches[id]) {
      if (a != null) {
        for (NDArray p : a.params()) {
          NDArray v = velocity.remove(p);
          if (v != null) {
            v.close();
          }
          NDArray s2 = second.remove(p);
          if (s2 != null) {
            s2.close();
          }
          steps.remove(p);
          p.close();
        }
      }
    }
    branches[id] = null;
  }

  /**
   * Merges branch {@code other} into {@code keep} by truncated SVD, without training: per branched
   * layer, a low-rank branch gets the best rank-{@code rank} factors of the mean of the two deltas
   * {@code (A1·B1 + A2·B2)/2} (computed from the stacked factors, never the full matrix); a full
   * branch gets {@code W1 + SVD_rank((W2 - W1)/2)}, its own weights moved half way to the other's
   * within a rank-{@code rank} correction. Biases are averaged. Two identical branches merge
   * exactly. {@code other} stays live: the caller removes it.
   *
   * @param keep the branch overwritten with the merge
   * @param other the branch merged into it
   * @return the largest relative truncation error over layers ({@code sqrt(Σ dropped σ²) / sqrt(Σ
   *     σ²)}, 0 when the merge is exact)
   */
  public synchronized double mergeSvd(int keep, int other) {
    Affine[] k = live(keep);
    Affine[] o = live(other);
    if (keep == other) {
      throw new IllegalArgumentException("cannot merge branch " + keep + " into itself");
    }
    int rank = config.rank();
    double worst = 0;
    for (int l = 0; l < k.length; l++) {
      if (k[l] == null) {
        continue;
      }
      float[][] kv = k[l].values();
      float[][] ov = o[l].values();
      long[][] shapes = k[l].shapes();
      float[][] merged = new float[kv.length][];
      TruncatedSvd.Factors f;
      if (k[l].lowRank()) {
        int in = (int) shapes[0][0];
        int r = (int) shapes[0][1];
        int out = (int) shapes[1][1];
        double[][] left = new double[in][2 * r];
        double[][] right = new double[2 * r][out];
        for (int i = 0; i < in; i++) {
          for (int j = 0; j < r; j++) {
            left[i][j] = kv[0][i * r + j] / 2.0;
            left[i][r + j] = ov[0][i * r + j] / 2.0;
          }
        }
        for (int j = 0; j < r; j++) {
          for (int c = 0; c < out; c++) {
            right[j][c] = kv[1][j * out + c];
            right[r + j][c] = ov[1][j * out + c];
          }
        }
        f = TruncatedSvd.ofProduct(left, right, r);
        merged[0] = flat(f.a());
        merged[1] = flat(f.b());
        merged[2] = average(kv[2], ov[2]);
      } else {
        int in = (int) shapes[0][0];
        int out = (int) shapes[0][1];
        double[][] half = new double[in][out];
        for (int i = 0; i < in; i++) {
          for (int c = 0; c < out; c++) {
            half[i][c] = (ov[0][i * out + c] - kv[0][i * out + c]) / 2.0;
          }
        }
        f = TruncatedSvd.of(half, Math.min(rank, Math.min(in, out)));
        float[] w = kv[0].clone();
        double[][] a = f.a();
        double[][] b = f.b();
        for (int i = 0; i < in; i++) {
          for (int t = 0; t < b.length; t++) {
            double ait = a[i][t];
            if (ait != 0) {
              for (int c = 0; c < out; c++) {
                w[i * out + c] += (float) (ait * b[t][c]);
              }
            }
          }
        }
        merged[0] = w;
        merged[1] = average(kv[1], ov[1]);
      }
      k[l].set(merged);
      worst = Math.max(worst, droppedShare(f, f.a()[0].length));
    }
    return worst;
  }

  private static double droppedShare(TruncatedSvd.Factors f, int kept) {
    double all = 0;
    double dropped = 0;
    for (int j = 0; j < f.singular().length; j++) {
      double s2 = f.singular()[j] * f.singular()[j];
      all += s2;
      if (j >= kept) {
        dropped += s2;
      }
    }
    return all == 0 ? 0 : Math.sqrt(dropped / all);
  }

  private static float[] flat(double[][] m) {
    int cols = m[0].length;
    float[] out = new float[m.length * cols];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < cols; j++) {
        out[i * cols + j] = (float) m[i][j];
      }
    }
    return out;
  }

  private static float[] average(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (a[i] + b[i]) / 2f;
    }
    return out;
  }

  /**
   * @return whether the shared layers (and low-rank base) are frozen
   */
  public synchronized boolean sharedFrozen() {
    return sharedFrozen;
  }

  /**
   * The parameters one training step on {@code branch} updates: its own layers, plus the shared
   * layers while they are not frozen. Live references: callers must not close them.
   *
   * @param branch a live branch
   * @return the parameters
   */
  public synchronized List<NDArray> trainable(int branch) {
    List<NDArray> out = new ArrayList<>();
    Affine[] own = live(branch);
    for (int l = 0; l < own.length; l++) {
      if (own[l] != null) {
        out.addAll(own[l].params());
      }
      if (!sharedFrozen && (own[l] == null || own[l].lowRank())) {
        out.addAll(shared[l].params());
      }
    }
    return out;
  }

  /**
   * Runs one SGD-with-momentum step of the cross-entropy loss on a batch.
   *
   * @param branch the branch trained
   * @param x inputs {@code [n][inputs]}
   * @param y labels in {@code [0, classes)}
   * @param lr learning rate
   * @param hook adds protection gradients and observes updates; {@link GradientHook#NONE} for none
   * @return the batch loss before the step
   */
  public synchronized float trainStep(
      int branch, float[][] x, int[] y, double lr, GradientHook hook) {
    return trainStep(branch, x, y, lr, hook, Optimizer.sgd());
  }

  /**
   * Runs one step of the given optimizer on the cross-entropy loss of a batch.
   *
   * @param branch the branch trained
   * @param x inputs {@code [n][inputs]}
   * @param y labels in {@code [0, classes)}
   * @param lr learning rate
   * @param hook adds protection gradients and observes updates; {@link GradientHook#NONE} for none
   * @param optimizer the update rule
   * @return the batch loss before the step
   */
  public synchronized float trainStep(
      int branch, float[][] x, int[] y, double lr, GradientHook hook, Optimizer optimizer) {
    List<NDArray> params = trainable(branch);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = batch(x);
      NDArray target = oneHot(y, config.classes());
      Autograd.Result r = Autograd.run(params, () -> crossEntropy(logits(branch, in), target));
      if (!Float.isFinite(r.loss())) {
        throw new IllegalStateException(
            "training branch "
                + branch
                + " diverged (loss "
                + r.loss()
                + "): lower the learning rate");
      }
      float scale = clipScale(r.gradients());
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i);
        NDArray g = scale == 1f ? r.gradients().get(i) : r.gradients().get(i).mul(scale);
        NDArray extra = hook.extra(p);
        NDArray total = extra == null ? g : g.add(extra);
        NDArray delta = update(p, total, lr, optimizer);
        p.stopGradient().addi(delta);
        hook.afterStep(p, g, delta);
      }
      return r.loss();
    }
  }

  /** The step to add to {@code p}; updates the optimizer state kept for {@code p}. */
  private NDArray update(NDArray p, NDArray g, double lr, Optimizer optimizer) {
    NDArray v = velocity.computeIfAbsent(p, BranchedNetwork::zerosLike);
    switch (optimizer) {
      case Optimizer.Sgd sgd -> {
        // v <- m v + g ; p <- p - lr v (in place on the detached view: same storage)
        v.muli((float) sgd.momentum()).addi(g);
        return v.mul(-lr);
      }
      case Optimizer.Adam adam -> {
        NDArray s = second.computeIfAbsent(p, BranchedNetwork::zerosLike);
        long t = steps.merge(p, 1L, Long::sum);
        v.muli((float) adam.beta1()).addi(g.mul(1 - adam.beta1()));
        s.muli((float) adam.beta2()).addi(g.square().mul(1 - adam.beta2()));
        double c1 = 1 - Math.pow(adam.beta1(), t);
        double c2 = 1 - Math.pow(adam.beta2(), t);
        NDArray denom = s.div(c2).sqrt().add(adam.epsilon());
        return v.div(denom).mul(-lr / c1);
      }
    }
  }

  /**
   * The mean gradient of the loss on a batch with respect to a branch's own parameters, flattened.
   * Used to measure conflict between tasks.
   *
   * @param branch the branch
   * @param x inputs
   * @param y labels
   * @return the flattened gradient
   */
  public synchronized float[] gradient(int branch, float[][] x, int[] y) {
    List<NDArray> params = ownParams(branch);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = batch(x);
      NDArray target = oneHot(y, config.classes());
      Autograd.Result r = Autograd.run(params, () -> crossEntropy(logits(branch, in), target));
      return flatten(r.gradients());
    }
  }

  /**
   * The diagonal empirical Fisher information of a branch's own parameters: the mean over inputs of
   * the squared per-input gradient, flattened in {@link #gradient} order.
   *
   * @param branch the branch
   * @param x inputs (one backward pass each)
   * @param y labels
   * @return the Fisher diagonal
   */
  public synchronized float[] fisher(int branch, float[][] x, int[] y) {
    float[] f = null;
    for (int i = 0; i < x.length; i++) {
      float[] g = gradient(branch, new float[][] {x[i]}, new int[] {y[i]});
      if (f == null) {
        f = new float[g.length];
      }
      for (int j = 0; j < g.length; j++) {
        f[j] += g[j] * g[j] / x.length;
      }
    }
    return f == null ? new float[0] : f;
  }

  /**
   * @param branch the branch
   * @param x inputs
   * @param y labels
   * @return the mean cross-entropy (nats) of the branch on the batch
   */
  public synchronized float loss(int branch, float[][] x, int[] y) {
    live(branch);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return crossEntropy(logits(branch, batch(x)), oneHot(y, config.classes())).getFloat();
    }
  }

  /**
   * @param branch a live branch
   * @return its own parameters flattened, in {@link #gradient} order (a copy)
   */
  public synchronized float[] weights(int branch) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      List<NDArray> detached = new ArrayList<>();
      for (NDArray p : ownParams(branch)) {
        detached.add(p.stopGradient());
      }
      return flatten(detached);
    }
  }

  /**
   * A branch's own parameters (the ones a spawn copies and a protection anchors). Live references.
   *
   * @param branch the branch
   * @return its parameters
   */
  public synchronized List<NDArray> ownParams(int branch) {
    List<NDArray> out = new ArrayList<>();
    for (Affine a : live(branch)) {
      if (a != null) {
        out.addAll(a.params());
      }
    }
    return out;
  }

  /**
   * Class probabilities of one branch, without the gate (not counted in {@link #usage}).
   *
   * @param branch the branch
   * @param x inputs
   * @return the prediction (every input uses {@code branch})
   */
  public synchronized Prediction predictWith(int branch, float[][] x) {
    live(branch);
    float[][] p = probabilities(branch, x);
    int[] b = new int[x.length];
    java.util.Arrays.fill(b, branch);
    return new Prediction(p, b, x.length);
  }

  /**
   * Class probabilities through the gate in the given mode. Only the branches a mode needs for an
   * input are computed for it.
   *
   * @param x inputs
   * @param mode soft, top-k or parallel + verifier
   * @return the prediction
   */
  public synchronized Prediction predict(float[][] x, GateMode mode) {
    List<Integer> live = branches();
    double[][] alpha = gateWeights(x);
    int n = x.length;
    int[][] picks = new int[n][];
    for (int i = 0; i < n; i++) {
      int want =
          switch (mode) {
            case GateMode.Soft s -> live.size();
            case GateMode.TopK t -> Math.min(t.k(), live.size());
            case GateMode.ParallelVerifier pv -> Math.min(pv.p(), live.size());
          };
      picks[i] = topByWeight(alpha[i], live, want);
    }
    float[][][] outs = new float[branches.length][][];
    long evaluations = 0;
    for (int b : live) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int pick : picks[i]) {
          if (pick == b) {
            rows.add(i);
          }
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      float[][] sub = new float[rows.size()][];
      for (int r = 0; r < sub.length; r++) {
        sub[r] = x[rows.get(r)];
      }
      float[][] p = probabilities(b, sub);
      outs[b] = new float[n][];
      for (int r = 0; r < sub.length; r++) {
        outs[b][rows.get(r)] = p[r];
      }
      evaluations += sub.length;
    }
    float[][] probs = new float[n][];
    int[] chosen = new int[n];
    for (int i = 0; i < n; i++) {
      double[] w = mixWeights(mode, picks[i], alpha[i], outs, i);
      probs[i] = mix(picks[i], w, outs, i);
      int best = 0;
      for (int j = 1; j < w.length; j++) {
        if (w[j] > w[best]) {
          best = j;
        }
      }
      chosen[i] = picks[i][best];
      usage[chosen[i]]++;
    }
    return new Prediction(probs, chosen, evaluations);
  }

  /**
   * The gate's weights {@code α(c)} over branch slots (0 for dead slots) for each input.
   *
   * @param x inputs
   * @return weights per input, summing to 1 over live branches
   */
  public synchronized double[][] gateWeights(float[][] x) {
    return gate.weights(x, liveMask());
  }

  /**
   * Trains the gate to map inputs (contexts) to the branch that should handle them, with
   * cross-entropy over live branches, for one pass over the data in mini-batches.
   *
   * @param x contexts
   * @param branch target branch per input (live)
   * @param lr learning rate
   * @param batchSize mini-batch size
   * @return the mean loss of the pass
   */
  public synchronized double trainGate(float[][] x, int[] branch, double lr, int batchSize) {
    for (int b : branch) {
      live(b);
    }
    return gate.trainPass(x, branch, liveMask(), lr, batchSize);
  }

  /**
   * @return times each slot was the chosen branch of a prediction since the slot was filled
   */
  public synchronized long[] usage() {
    return usage.clone();
  }

  /**
   * @return floats in the network: shared layers, every live branch's own layers, and the gate
   */
  public synchronized long parameterCount() {
    long n = gate.size();
    Affine[] b0 = branches[branches().getFirst()];
    for (int l = 0; l < shared.length; l++) {
      if (b0[l] == null || b0[l].lowRank()) {
        n += shared[l].size();
      }
    }
    for (int b : branches()) {
      n += branchParameterCount(b);
    }
    return n;
  }

  /**
   * @param branch a live branch
   * @return floats that branch owns
   */
  public synchronized long branchParameterCount(int branch) {
    long n = 0;
    for (Affine a : live(branch)) {
      if (a != null) {
        n += a.size();
      }
    }
    return n;
  }

  /**
   * @return floats of one plain network of the same shape (no branches, no gate)
   */
  public long singleNetworkParameters() {
    long n = 0;
    for (int l = 0; l < config.layers(); l++) {
      n += (long) config.fanIn(l) * config.fanOut(l) + config.fanOut(l);
    }
    return n;
  }

  /**
   * Writes the network's configuration and every value that defines its function: shared layers,
   * live branch slots with their layers, the gate, usage counts and whether the shared layers are
   * frozen. Optimizer state (momentum, Adam moments) is not written: training after a load starts
   * it afresh. Used by the learner's versioned state file, which adds the framing and checksum.
   *
   * @param out the stream
   * @throws IOException if writing fails
   */
  public synchronized void writeTo(DataOutput out) throws IOException {
    out.writeInt(config.inputs());
    out.writeInt(config.hidden().size());
    for (int h : config.hidden()) {
      out.writeInt(h);
    }
    out.writeInt(config.classes());
    out.writeUTF(config.granularity().name());
    out.writeUTF(config.kind().name());
    out.writeInt(config.rank());
    out.writeInt(config.maxBranches());
    out.writeInt(config.gateHidden());
    out.writeLong(config.seed());
    out.writeBoolean(sharedFrozen);
    for (Affine a : shared) {
      writeValues(out, a.values());
    }
    for (int slot = 0; slot < branches.length; slot++) {
      out.writeBoolean(branches[slot] != null);
      if (branches[slot] != null) {
        out.writeLong(usage[slot]);
        for (Affine a : branches[slot]) {
          out.writeBoolean(a != null);
          if (a != null) {
            writeValues(out, a.values());
          }
        }
      }
    }
    for (Affine a : gate.layers()) {
      writeValues(out, a.values());
    }
  }

  /**
   * Reads a network written by {@link #writeTo}: same configuration, same live slots, and
   * predictions identical to the written network's.
   *
   * @param in the stream
   * @return the network (close it)
   * @throws IOException if reading fails or the data is inconsistent (the message says what)
   */
  public static BranchedNetwork readFrom(DataInput in) throws IOException {
    int inputs = in.readInt();
    int depth = count(in.readInt(), "hidden layers");
    List<Integer> hidden = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      hidden.add(in.readInt());
    }
    NetworkConfig config;
    try {
      config =
          new NetworkConfig(
              inputs,
              hidden,
              in.readInt(),
              Granularity.valueOf(in.readUTF()),
              BranchKind.valueOf(in.readUTF()),
              in.readInt(),
              in.readInt(),
              in.readInt(),
              in.readLong());
    } catch (IllegalArgumentException e) {
      throw new IOException("bad network configuration: " + e.getMessage(), e);
    }
    BranchedNetwork net = new BranchedNetwork(config);
    try {
      net.sharedFrozen = in.readBoolean();
      for (Affine a : net.shared) {
        a.set(readValues(in, a));
      }
      int layers = config.layers();
      for (int slot = 0; slot < config.maxBranches(); slot++) {
        boolean live = in.readBoolean();
        if (!live) {
          if (net.branches[slot] != null) {
            net.branches[slot] = null; // slot 0 was removed before the save
          }
          continue;
        }
        if (net.branches[slot] == null) {
          Affine[] layer = new Affine[layers];
          for (int l = 0; l < layers; l++) {
            if (config.granularity().branched(l, layers)) {
              layer[l] = firstVersion(config, net.manager, net.shared[l], l);
            }
          }
          net.branches[slot] = layer;
        }
        net.usage[slot] = in.readLong();
        for (Affine a : net.branches[slot]) {
          boolean present = in.readBoolean();
          if (present != (a != null)) {
            throw new IOException("branch " + slot + " does not match the granularity");
          }
          if (a != null) {
            a.set(readValues(in, a));
          }
        }
      }
      if (net.branches().isEmpty()) {
        throw new IOException("no live branch");
      }
      for (Affine a : net.gate.layers()) {
        a.set(readValues(in, a));
      }
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  private static void writeValues(DataOutput out, float[][] values) throws IOException {
    out.writeInt(values.length);
    for (float[] v : values) {
      out.writeInt(v.length);
      for (float f : v) {
        out.writeFloat(f);
      }
    }
  }

  private static float[][] readValues(DataInput in, Affine into) throws IOException {
    long[][] shapes = into.shapes();
    int n = in.readInt();
    if (n != shapes.length) {
      throw new IOException("a layer has " + n + " parameters, expected " + shapes.length);
    }
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      long want = 1;
      for (long d : shapes[i]) {
        want *= d;
      }
      int len = in.readInt();
      if (len != want) {
        throw new IOException("a parameter has " + len + " values, expected " + want);
      }
      out[i] = new float[len];
      for (int j = 0; j < len; j++) {
        out[i][j] = in.readFloat();
      }
    }
    return out;
  }

  private static int count(int n, String what) throws IOException {
    if (n < 0 || n > 1000) {
      throw new IOException("implausible number of " + what + ": " + n);
    }
    return n;
  }

  @Override
  public synchronized void close() {
    manager.close();
  }

  // --- internals ---

  private Affine[] live(int id) {
    if (id < 0 || id >= branches.length || branches[id] == null) {
      throw new IllegalArgumentException(
          "branch " + id + " is not live (live: " + branches() + ")");
    }
    return branches[id];
  }

  private boolean[] liveMask() {
    boolean[] m = new boolean[branches.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = branches[i] != null;
    }
    return m;
  }

  NDArray logits(int branch, NDArray x) {
    Affine[] own = branches[branch];
    NDArray h = x;
    for (int l = 0; l < shared.length; l++) {
      h = (own[l] != null ? own[l] : shared[l]).forward(h);
      if (l < shared.length - 1) {
        h = Activation.relu(h);
      }
    }
    return h;
  }

  private float[][] probabilities(int branch, float[][] x) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float[] flat = logits(branch, batch(x)).softmax(1).toFloatArray();
      return unflatten(flat, x.length, config.classes());
    }
  }

  private double[] mixWeights(GateMode mode, int[] pick, double[] alpha, float[][][] outs, int i) {
    double[] w = new double[pick.length];
    if (mode instanceof GateMode.ParallelVerifier pv) {
      List<float[]> all = new ArrayList<>(pick.length);
      for (int b : pick) {
        all.add(outs[b][i]);
      }
      for (int j = 0; j < pick.length; j++) {
        w[j] = pv.verifier().score(all.get(j), all);
      }
      if (!pv.combine()) {
        int best = 0;
        for (int j = 1; j < w.length; j++) {
          // ties go to the branch the gate prefers (picks are in gate order)
          if (w[j] > w[best]) {
            best = j;
          }
        }
        java.util.Arrays.fill(w, 0);
        w[best] = 1;
      }
    } else {
      for (int j = 0; j < pick.length; j++) {
        w[j] = alpha[pick[j]];
      }
    }
    double s = 0;
    for (double v : w) {
      s += v;
    }
    for (int j = 0; j < w.length; j++) {
      w[j] = s > 0 ? w[j] / s : 1.0 / w.length;
    }
    return w;
  }

  private float[] mix(int[] pick, double[] w, float[][][] outs, int i) {
    float[] y = new float[config.classes()];
    for (int j = 0; j < pick.length; j++) {
      float[] p = outs[pick[j]][i];
      for (int c = 0; c < y.length; c++) {
        y[c] += (float) (w[j] * p[c]);
      }
    }
    return y;
  }

  /** Global-norm clipping to {@link #MAX_GRAD_NORM}: new classes start with huge gradients. */
  private static float clipScale(List<NDArray> grads) {
    double sq = 0;
    for (NDArray g : grads) {
      sq += g.square().sum().getFloat();
    }
    double norm = Math.sqrt(sq);
    return norm > MAX_GRAD_NORM ? (float) (MAX_GRAD_NORM / norm) : 1f;
  }

  static int[] topByWeight(double[] alpha, List<Integer> live, int k) {
    List<Integer> order = new ArrayList<>(live);
    // highest weight first; ties to the lower id, so picks are deterministic
    order.sort((a, b) -> alpha[a] != alpha[b] ? Double.compare(alpha[b], alpha[a]) : a - b);
    int[] out = new int[k];
    for (int j = 0; j < k; j++) {
      out[j] = order.get(j);
    }
    return out;
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

  NDArray oneHot(int[] y, int classes) {
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

  static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
    return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
  }

  static float[] flatten(List<NDArray> arrays) {
    NDList list = new NDList();
    for (NDArray a : arrays) {
      list.add(a.flatten());
    }
    return NDArrays.concat(list).toFloatArray();
  }

  static float[][] unflatten(float[] flat, int n, int width) {
    float[][] out = new float[n][width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * width, out[i], 0, width);
    }
    return out;
  }

  private static NDArray zerosLike(NDArray p) {
    NDArray z = p.getManager().zeros(p.getShape(), p.getDataType());
    NDScope.unregister(z);
    return z;
  }
}
