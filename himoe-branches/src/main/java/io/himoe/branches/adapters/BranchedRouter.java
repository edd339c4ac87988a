package io.himoe.branches.adapters;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.model.GateMode;
import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.GateScores;
import io.himoe.router.PersistentRouter;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.router.RouterState;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A router whose gate is a branched network: output class i scores the i-th registered expert.
 * Labelled feedback ({@link RouterFeedback#target()}) is buffered and, every {@code batch}
 * examples, learned as a new task by the continual learner, so the router learns new routes without
 * forgetting old ones. Set an encoder in the config (or feed {@link InputData.Features}).
 *
 * <p>As a {@link PersistentRouter} its learned state ({@value #STATE_FORMAT}: the experts it routes
 * to, the learner with its branches, memory and protection, and the feedback buffered for the next
 * task) is saved with a server's learning snapshot and restored on restart.
 */
public final class BranchedRouter implements PersistentRouter {

  /** The format of {@link #saveState()}'s bytes. */
  public static final String STATE_FORMAT = "branched-router/1";

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final GateMode mode;
  private final int batch;
  // Replaced whole by restoreState: gates read it under the read lock, the swap takes the write
  // lock (so a gate never runs on a closed network); learning and saving hold this object's lock.
  private volatile ContinualLearner learner;
  private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
  private final List<float[]> pendingX = new ArrayList<>();
  private final List<Integer> pendingY = new ArrayList<>();
  private int learnedBatches;

  /**
   * @param id the router's id
   * @param experts the experts, one per network output, in output order
   * @param config top-k, policy, aggregator, encoder
   * @param learner the continual learner over the gate network
   * @param mode gate mode of the branched network
   * @param batch labelled feedbacks per learned task, at least 1
   */
  public BranchedRouter(
      String id,
      ExpertRegistry experts,
      RouterConfig config,
      ContinualLearner learner,
      GateMode mode,
      int batch) {
    this.id = Objects.requireNonNull(id, "id");
    this.experts = Objects.requireNonNull(experts, "experts");
    this.config = Objects.requireNonNull(config, "config");
    this.learner = Objects.requireNonNull(learner, "learner");
    this.mode = Objects.requireNonNull(mode, "mode");
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.batch = batch;
    int classes = learner.network().config().classes();
    if (experts.size() != classes) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "' has "
              + experts.size()
              + " experts but its gate network has "
              + classes
              + " outputs");
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ExpertRegistry experts() {
    return experts;
  }

  @Override
  public RouterConfig config() {
    return config;
  }

  /** Scores are log-probabilities of the branched network's output for each expert. */
  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    float[] x = features(input);
    float[] p;
    swap.readLock().lock();
    try {
      p = learner.network().predict(new float[][] {x}, mode).probabilities()[0];
    } finally {
      swap.readLock().unlock();
    }
    List<ExpertRef> refs = experts.list();
    double[] logits = new double[refs.size()];
    List<ExpertId> ids = new ArrayList<>(refs.size());
    for (int i = 0; i < logits.length; i++) {
      ids.add(refs.get(i).id());
      logits[i] = Math.log(Math.max(p[i], 1e-12));
    }
    return GateScores.of(ids, logits);
  }

  /** Buffers labelled feedback; learns it as a task once {@code batch} examples are waiting. */
  @Override
  public synchronized void trainSignal(RouterFeedback feedback) {
    if (feedback.target().isEmpty()) {
      return;
    }
    int target = indexOf(feedback.target().get());
    if (target < 0) {
      return;
    }
    pendingX.add(features(feedback.input()));
    pendingY.add(target);
    if (pendingX.size() >= batch) {
      flush();
    }
  }

  /**
   * Learns the buffered feedback now, as one task.
   *
   * @return the learner's decision, or null when nothing was buffered
   */
  public synchronized @Nullable BranchEvent flush() {
    if (pendingX.isEmpty()) {
      return null;
    }
    int[] y = pendingY.stream().mapToInt(Integer::intValue).toArray();
    Dataset d = new Dataset(pendingX.toArray(float[][]::new), y);
    pendingX.clear();
    pendingY.clear();
    return learner.learn(id + "-feedback-" + (++learnedBatches), d);
  }

  /**
   * @return the learner behind the gate
   */
  public ContinualLearner learner() {
    return learner;
  }

  /**
   * @return labelled feedbacks buffered for the next learned task
   */
  public synchronized int pending() {
    return pendingX.size();
  }

  /**
   * Layout: the expert names in output order, the network's input width, the number of feedback
   * tasks learned, the buffered feedback (target, features), then the learner's own CRC-checked
   * bytes ({@link ContinualLearner#toBytes()}).
   */
  @Override
  public synchronized RouterState saveState() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      List<ExpertRef> refs = experts.list();
      out.writeInt(refs.size());
      for (ExpertRef r : refs) {
        out.writeUTF(r.name());
      }
      out.writeInt(learner.network().config().inputs());
      out.writeInt(learnedBatches);
      out.writeInt(pendingX.size());
      for (int i = 0; i < pendingX.size(); i++) {
        out.writeInt(pendingY.get(i));
        for (float v : pendingX.get(i)) {
          out.writeFloat(v);
        }
      }
      byte[] l = learner.toBytes();
      out.writeInt(l.length);
      out.write(l);
    } catch (IOException e) {
      // written to memory: only a bug gets here
      throw new java.io.UncheckedIOException(e);
    }
    return new RouterState(STATE_FORMAT, bytes.toByteArray());
  }

  @Override
  public synchronized void restoreState(RouterState state) {
    if (!state.format().equals(STATE_FORMAT)) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': saved state is in format '"
              + state.format()
              + "', this router reads '"
              + STATE_FORMAT
              + "'");
    }
    List<String> names = experts.list().stream().map(ExpertRef::name).toList();
    int inputs = learner.network().config().inputs();
    ContinualLearner restored;
    List<float[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    int batches;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state.bytes()))) {
      int n = bounded(in.readInt(), 100_000, "expert count");
      List<String> saved = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        saved.add(in.readUTF());
      }
      if (!saved.equals(names)) {
        throw new IllegalArgumentException(
            "router '" + id + "': state saved for experts " + saved + ", this router has " + names);
      }
      int savedInputs = in.readInt();
      if (savedInputs != inputs) {
        throw new IllegalArgumentException(
            "router '"
                + id
                + "': state saved for "
                + savedInputs
                + " input features, the encoder gives "
                + inputs
                + " (another encoder?)");
      }
      batches = bounded(in.readInt(), Integer.MAX_VALUE - 1, "learned tasks");
      int pending = bounded(in.readInt(), 1 << 20, "buffered feedback");
      for (int i = 0; i < pending; i++) {
        ys.add(bounded(in.readInt(), n - 1, "feedback target"));
        float[] x = new float[inputs];
        for (int k = 0; k < inputs; k++) {
          x[k] = in.readFloat();
        }
        xs.add(x);
      }
      byte[] l = new byte[bounded(in.readInt(), in.available(), "learner length")];
      in.readFully(l);
      if (in.available() != 0) {
        throw new IOException(in.available() + " unexpected bytes after the state");
      }
      restored = ContinualLearner.fromBytes(l, "router '" + id + "' saved learner");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "router '" + id + "': saved state is unreadable (" + e.getMessage() + ")", e);
    }
    if (restored.network().config().classes() != names.size()
        || restored.network().config().inputs() != inputs) {
      restored.network().close();
      throw new IllegalArgumentException(
          "router '" + id + "': the saved gate network does not fit " + names.size() + " experts");
    }
    ContinualLearner old;
    swap.writeLock().lock();
    try {
      old = learner;
      learner = restored;
    } finally {
      swap.writeLock().unlock();
    }
    old.network().close();
    pendingX.clear();
    pendingY.clear();
    pendingX.addAll(xs);
    pendingY.addAll(ys);
    learnedBatches = batches;
  }

  private static int bounded(int n, int max, String what) throws IOException {
    if (n < 0 || n > max) {
      throw new IOException("implausible " + what + " " + n);
    }
    return n;
  }

  private int indexOf(ExpertId target) {
    List<ExpertRef> refs = experts.list();
    for (int i = 0; i < refs.size(); i++) {
      if (refs.get(i).id().equals(target)) {
        return i;
      }
    }
    return -1;
  }

  private float[] features(RouterInput input) {
    float[] x =
        switch (input) {
          case RouterInput.Encoded e -> e.encoded().vector();
          case RouterInput.Raw r when r.source() instanceof InputData.Features f -> f.values();
          case RouterInput.Raw r ->
              throw new MoeError.InvalidInput(
                  "router '"
                      + id
                      + "' needs encoded input or features: set an encoder in its config");
        };
    int want = learner.network().config().inputs();
    if (x.length != want) {
      throw new MoeError.InvalidInput(
          "router '"
              + id
              + "': input has "
              + x.length
              + " features, the gate network expects "
              + want);
    }
    return x;
  }
}
