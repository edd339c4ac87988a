package io.himoe.branches.learning;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.memory.Episode;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continual learning over a {@link BranchedNetwork} (seed 004, "Apprentissage"): for each new task
 * it measures the similarity between the task's gradient and each branch's stored gradient (the
 * gradient it accumulated over its last task); when the best branch agrees (similarity at or above
 * the threshold) that branch is fine-tuned under its protection (EWC, SI or L2), otherwise a new
 * branch is spawned from it and the old ones are left untouched. After each task it stores the
 * branch's gradient and Fisher information, records episodes in the memory and trains the gate on
 * the memory to map contexts to branches.
 *
 * <p>Not thread-safe: one learner drives one network from one thread.
 */
public final class ContinualLearner {

  private static final Logger LOG = LoggerFactory.getLogger(ContinualLearner.class);

  private final BranchedNetwork net;
  private final LearnerConfig config;
  private final EpisodicMemory memory;
  private final Random random;
  private final Map<Integer, BranchState> states = new HashMap<>();
  private final Map<String, Integer> taskBranch = new LinkedHashMap<>();
  private final List<BranchEvent> events = new ArrayList<>();
  private final Consolidator consolidator;

  /**
   * @param net the network (its branch 0 must be live)
   * @param config training, conflict and protection settings
   * @param memory the episodic memory the learner writes and the gate trains on
   */
  public ContinualLearner(BranchedNetwork net, LearnerConfig config, EpisodicMemory memory) {
    this(net, config, memory, new Random(config.seed()));
  }

  /** A learner resuming from a saved state ({@link LearnerFile}); the maps are filled by it. */
  ContinualLearner(
      BranchedNetwork net, LearnerConfig config, EpisodicMemory memory, Random random) {
    this.net = net;
    this.config = config;
    this.memory = memory;
    this.random = random;
    this.consolidator = new Consolidator(net, memory, this);
  }

  /**
   * Saves this learner, its network and its memory to a versioned file, atomically (see {@link
   * LearnerFile}).
   *
   * @param file the file (replaced as a whole, never left half-written)
   * @throws java.io.IOException if it cannot be written
   */
  public void save(java.nio.file.Path file) throws java.io.IOException {
    LearnerFile.save(this, file);
  }

  /**
   * Loads a learner saved by {@link #save}: its network predicts exactly as the saved one did.
   *
   * @param file the file
   * @return the learner (close its network when done)
   * @throws java.io.IOException naming the file and the problem: missing, not a learner file,
   *     written by a newer format version, corrupt or truncated
   */
  public static ContinualLearner load(java.nio.file.Path file) throws java.io.IOException {
    return LearnerFile.load(file);
  }

  /**
   * This learner in the format of {@link #save} (configuration, network, memory, protection state,
   * events, random streams; CRC-checked), for a caller that keeps it elsewhere than in a file.
   *
   * @return the bytes
   */
  public byte[] toBytes() {
    try {
      return LearnerFile.toBytes(this);
    } catch (java.io.IOException e) {
      // written to memory: only a bug gets here
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Reads a learner from the bytes of {@link #toBytes} (or of a file written by {@link #save}).
   *
   * @param bytes the bytes
   * @param source where they come from, for messages
   * @return the learner (close its network when done)
   * @throws java.io.IOException naming the source and the problem: not a learner state, a newer
   *     format version, corrupt or truncated
   */
  public static ContinualLearner fromBytes(byte[] bytes, String source) throws java.io.IOException {
    return LearnerFile.fromBytes(bytes, source);
  }

  Random random() {
    return random;
  }

  Map<Integer, BranchState> states() {
    return states;
  }

  /**
   * @return the floats every branch's protection keeps beside the network's parameters (EWC and SI:
   *     an anchor and an importance per parameter; L2: an anchor and a unit importance; none: 0)
   */
  public synchronized long protectionFloats() {
    long n = 0;
    for (BranchState s : states.values()) {
      n += s.protectionFloats();
    }
    return n;
  }

  Map<String, Integer> taskBranches() {
    return taskBranch;
  }

  List<BranchEvent> eventLog() {
    return events;
  }

  /**
   * Learns one task: decide (fine-tune or spawn), train, remember, train the gate.
   *
   * @param task the task's name (unique per task)
   * @param train its training data
   * @return what was decided, with its reason
   */
  public BranchEvent learn(String task, Dataset train) {
    if (train.size() == 0) {
      throw new IllegalArgumentException("task '" + task + "' has no training data");
    }
    Dataset shuffled = train.shuffled(random);
    Dataset probe = shuffled.slice(0, Math.min(config.probeSize(), shuffled.size()));
    BranchEvent decision = decide(task, probe);
    int branch =
        switch (decision) {
          case BranchEvent.FineTuned f -> f.branch();
          case BranchEvent.Spawned s -> s.branch();
          default -> throw new IllegalStateException("unexpected decision " + decision);
        };
    events.add(decision);
    LOG.info("task {}: {}", task, decision.reason());
    BranchState state = states.computeIfAbsent(branch, b -> newState(b));
    boolean protect = decision instanceof BranchEvent.FineTuned && state.protecting;
    state.startTask();
    float[] start = net.weights(branch);
    train(branch, shuffled, state, protect);
    state.endTask(descent(start, net.weights(branch)), net.fisher(branch, probe.x(), probe.y()));
    taskBranch.put(task, branch);
    remember(task, branch, shuffled);
    trainGate(config.gateFreshCurrent() ? new Current(task, branch, shuffled) : null);
    return decision;
  }

  /**
   * Merges close branches and collects rarely used ones (see {@link Consolidator}).
   *
   * @param policy thresholds and budget
   * @return the merges and collections done, each with its reason
   */
  public List<BranchEvent> consolidate(ConsolidationPolicy policy) {
    List<BranchEvent> done = consolidator.run(policy);
    events.addAll(done);
    if (!done.isEmpty()) {
      trainGate(null);
    }
    return done;
  }

  /**
   * @param task a learned task
   * @return the branch that now holds it (after merges and collections)
   * @throws IllegalArgumentException for an unknown task
   */
  public int branchOf(String task) {
    Integer b = taskBranch.get(task);
    if (b == null) {
      throw new IllegalArgumentException(
          "task '" + task + "' was not learned (known: " + taskBranch.keySet() + ")");
    }
    return b;
  }

  /**
   * @return every decision, merge and collection so far, in order
   */
  public List<BranchEvent> events() {
    return List.copyOf(events);
  }

  /**
   * @return the network
   */
  public BranchedNetwork network() {
    return net;
  }

  /**
   * @return the episodic memory
   */
  public EpisodicMemory memory() {
    return memory;
  }

  /**
   * @return the configuration
   */
  public LearnerConfig config() {
    return config;
  }

  void branchRemoved(int removed, int heir) {
    BranchState s = states.remove(removed);
    if (s != null) {
      s.close();
    }
    taskBranch.replaceAll((t, b) -> b == removed ? heir : b);
  }

  void trainBranchOn(int branch, Dataset data, int epochs) {
    for (int e = 0; e < epochs; e++) {
      Dataset d = data.shuffled(random);
      for (int from = 0; from < d.size(); from += config.batchSize()) {
        Dataset b = d.slice(from, Math.min(d.size(), from + config.batchSize()));
        net.trainStep(branch, b.x(), b.y(), config.lr(), config.optimizer());
      }
    }
  }

  private BranchEvent decide(String task, Dataset probe) {
    List<Integer> live = net.branches();
    if (states.isEmpty()) {
      return new BranchEvent.FineTuned(
          task, live.getFirst(), Double.NaN, "first task: trains branch " + live.getFirst());
    }
    int best = -1;
    double bestSim = Double.NEGATIVE_INFINITY;
    for (int b : live) {
      BranchState s = states.get(b);
      BranchState.Conflict c = s == null ? null : s.conflict();
      if (c == null) {
        continue;
      }
      double sim =
          config
              .measure()
              .similarity(net.gradient(b, probe.x(), probe.y()), c.gradient(), c.fisher());
      if (sim > bestSim) {
        bestSim = sim;
        best = b;
      }
    }
    String sims =
        String.format(
            "%s similarity %.3f with branch %d (threshold %.3f)",
            config.measure(), bestSim, best, config.threshold());
    if (config.threshold() == Double.NEGATIVE_INFINITY) {
      return new BranchEvent.FineTuned(
          task,
          best,
          bestSim,
          sims + ": single-branch learner, fine-tune under " + config.protection());
    }
    if (bestSim >= config.threshold()) {
      return new BranchEvent.FineTuned(
          task, best, bestSim, sims + ": no conflict, fine-tune under " + config.protection());
    }
    if (live.size() >= Math.min(config.maxBranches(), net.config().maxBranches())) {
      return new BranchEvent.FineTuned(
          task,
          best,
          bestSim,
          sims
              + ": conflict, but the budget of "
              + config.maxBranches()
              + " branches is reached: fine-tune the closest");
    }
    int child = net.spawn(best);
    return new BranchEvent.Spawned(
        task, child, best, bestSim, sims + ": conflict, spawn branch " + child + " from " + best);
  }

  /**
   * The task's accumulated gradient: {@code θ_start - θ_end} is proportional to the sum of the
   * gradients of every step. At the end of training the instantaneous gradient is near zero and
   * points anywhere; the accumulated one says which way the task pulled the weights, so a new task
   * whose gradient points against it would undo it.
   */
  private static float[] descent(float[] start, float[] end) {
    float[] d = new float[start.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = start[i] - end[i];
    }
    return d;
  }

  private BranchState newState(int branch) {
    return new BranchState(
        config.protection(), net.penaltyState(branch, config.protection().strength()));
  }

  // The penalty state always sees the steps (SI integrates its path even on a task trained without
  // a penalty); the penalty shapes them only when the branch is fine-tuned under protection.
  private void train(int branch, Dataset data, BranchState state, boolean protect) {
    List<Episode> replay = config.replay() ? memory.ofBranch(branch) : List.of();
    int perEpoch = (data.size() + config.batchSize() - 1) / config.batchSize();
    long total = (long) perEpoch * config.epochs();
    long step = 0;
    for (int e = 0; e < config.epochs(); e++) {
      Dataset d = e == 0 ? data : data.shuffled(random);
      for (int from = 0; from < d.size(); from += config.batchSize()) {
        Dataset b = d.slice(from, Math.min(d.size(), from + config.batchSize()));
        if (!replay.isEmpty()) {
          b = b.concat(sample(replay, b.size()));
        }
        // a half-cosine decay settles the weights at the end of the task instead of leaving
        // them wherever the last large step threw them
        double lr =
            config.cosineDecay()
                ? config.lr() * 0.5 * (1 + Math.cos(Math.PI * step / (double) total))
                : config.lr();
        step++;
        net.trainStep(
            branch,
            augment(b.x(), config.trainAugmentation()),
            b.y(),
            lr,
            config.optimizer(),
            state.penalty,
            protect);
      }
    }
  }

  private float[][] augment(float[][] x, Augmentation aug) {
    if (aug instanceof Augmentation.None) {
      return x;
    }
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = aug.apply(x[i], random);
    }
    return out;
  }

  private Dataset sample(List<Episode> episodes, int n) {
    float[][] x = new float[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      Episode e = episodes.get(random.nextInt(episodes.size()));
      x[i] = e.embedding();
      y[i] = e.label();
    }
    return new Dataset(x, y);
  }

  private void remember(String task, int branch, Dataset data) {
    int n = Math.min(data.size(), memory.perTask() * 4);
    Dataset seen = data.slice(0, n);
    Prediction p = net.predictWith(branch, seen.x());
    for (int i = 0; i < n; i++) {
      double score = p.probabilities()[i][seen.y()[i]];
      memory.add(
          new Episode(seen.x()[i], seen.y()[i], Math.min(1, Math.max(0, score)), branch, task));
    }
  }

  /** The task just learned: the gate may draw fresh examples of it from its full training set. */
  private record Current(String task, int branch, Dataset data) {}

  /**
   * Trains the gate on the memory (context -> branch). With {@code current}, the episodes of the
   * task just learned are replaced, in each pass, by as many examples drawn afresh from its whole
   * training set: the classes stay balanced and the gate sees far more variety of the task it will
   * have to recognise from now on; earlier tasks keep only their remembered episodes.
   */
  private void trainGate(@Nullable Current current) { // null: only the remembered episodes
    List<Integer> live = net.branches();
    if (live.size() < 2 || config.gateEpochs() == 0) {
      return;
    }
    List<Episode> kept = new ArrayList<>();
    int currentCount = 0;
    for (Episode e : memory.episodes()) {
      if (current != null && e.task().equals(current.task())) {
        currentCount++;
      } else {
        kept.add(e);
      }
    }
    Augmentation aug = config.gateAugmentation();
    for (int e = 0; e < config.gateEpochs(); e++) {
      int n = kept.size() + currentCount;
      float[][] x = new float[n][];
      int[] y = new int[n];
      for (int i = 0; i < kept.size(); i++) {
        x[i] = kept.get(i).embedding();
        y[i] = kept.get(i).branch();
      }
      for (int i = 0; current != null && i < currentCount; i++) {
        int pick = random.nextInt(current.data().size());
        x[kept.size() + i] = current.data().x()[pick];
        y[kept.size() + i] = current.branch();
      }
      Dataset s = new Dataset(x, y).shuffled(random);
      net.trainGate(augment(s.x(), aug), s.y(), config.gateLr(), config.batchSize());
    }
  }
}
