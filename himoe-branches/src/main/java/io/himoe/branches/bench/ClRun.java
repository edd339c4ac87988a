package io.himoe.branches.bench;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.Augmentation;
import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.learning.ConsolidationPolicy;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.learning.LearnerConfig;
import io.himoe.branches.learning.Protection;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.metrics.AccuracyMatrix;
import io.himoe.branches.metrics.ClMetrics;
import io.himoe.branches.model.BranchKind;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.NetworkConfig;
import io.himoe.branches.model.Prediction;
import io.himoe.branches.model.Verifier;
import io.himoe.shared.Progress;
import java.io.PrintStream;
import java.time.Clock;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The continual-learning harness: trains a method on a protocol's tasks in order, fills the
 * accuracy matrix after each task, and measures overheads against one plain network.
 */
public final class ClRun {

  /** Control points per axis of the elastic distortion: one every 9 pixels on 28x28 images. */
  private static final int ELASTIC_GRID = 4;

  /**
   * Stands for the rule-based verifier in {@link RunOptions#gate()} ({@code --gate
   * parallel2-rule}): a run binds it to its rule — only classes of the tasks learned so far are
   * valid answers — and multiplies it by the candidate's confidence.
   */
  static final Verifier LEARNED_CLASSES_RULE =
      (probs, all) -> {
        throw new IllegalStateException("the learned-classes rule is bound by a run");
      };

  private final Protocol protocol;
  private final RunOptions opts;
  private final PrintStream progress;
  private final Clock clock;
  private final BitSet learnedClasses = new BitSet();

  /**
   * @param protocol the tasks
   * @param opts the method and its settings
   * @param progress where progress lines go (stderr in the CLI)
   * @param clock the clock timing the run
   */
  public ClRun(Protocol protocol, RunOptions opts, PrintStream progress, Clock clock) {
    this.protocol = protocol;
    this.opts = opts;
    this.progress = progress;
    this.clock = clock;
  }

  /**
   * @return what the run measured
   */
  public RunResult run() {
    try {
      return run(null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Runs, then saves the final learner (network, memory, protection state) to {@code saveTo}, the
   * file a server's {@code branched} expert loads ({@link ContinualLearner#load}).
   *
   * @param saveTo where to save the learner, or null not to
   * @return what the run measured
   * @throws java.io.IOException if the learner cannot be saved
   */
  public RunResult run(java.nio.file.@Nullable Path saveTo) throws java.io.IOException {
    long start = clock.millis();
    List<ClTask> tasks = protocol.tasks();
    int t = tasks.size();
    double[][] r = new double[t][t];
    double[] initial = new double[t];
    Evaluation last = null;
    ContinualLearner learner = null;
    // joint training makes a fresh network per task; every other method trains one throughout
    BranchedNetwork net = opts.method() == Method.JOINT ? null : network();
    try {
      if (net != null) {
        learner = new ContinualLearner(net, learnerConfig(), memory());
        Evaluation e0 = evaluate(learner, net, -1);
        System.arraycopy(e0.accuracy, 0, initial, 0, t);
      }
      for (int i = 0; i < t; i++) {
        ClTask task = tasks.get(i);
        ContinualLearner current;
        if (opts.method() == Method.JOINT) {
          if (net != null) {
            net.close();
          }
          net = network();
          current = new ContinualLearner(net, learnerConfig(), memory());
          learner = current;
          if (i == 0) {
            System.arraycopy(evaluate(current, net, -1).accuracy, 0, initial, 0, t);
          }
          Dataset all = tasks.getFirst().train();
          for (int j = 1; j <= i; j++) {
            all = all.concat(tasks.get(j).train());
          }
          current.learn("joint 0.." + i, all);
        } else {
          current = Objects.requireNonNull(learner, "made before the first task");
          BranchEvent e = current.learn(task.name(), task.train());
          progress.println(
              "[" + protocol.name() + "/" + opts.method() + "] " + task.name() + ": " + e.reason());
          if (opts.merge()) {
            for (BranchEvent c :
                current.consolidate(
                    new ConsolidationPolicy(
                        opts.mergeBudget(), 0.05, 2, 0.0, 0.02, opts.mergeMethod()))) {
              progress.println("  " + c.reason());
            }
          }
        }
        for (int c : task.classes()) {
          learnedClasses.set(c);
        }
        last = evaluate(current, current.network(), i);
        r[i] = last.accuracy;
        double perTask = (clock.millis() - start) / 1000.0 / (i + 1);
        progress.printf(
            "[%s/%s] after task %d/%d (%s): %s  (%s a task%s)%n",
            protocol.name(),
            opts.method(),
            i + 1,
            t,
            task.name(),
            format(r[i]),
            Progress.duration(perTask),
            i + 1 < t ? ", ETA " + Progress.duration(perTask * (t - i - 1)) : "");
      }
      // A protocol has at least one task: the loop made (or kept) a learner and evaluated it.
      ContinualLearner trained = Objects.requireNonNull(learner, "learner after the tasks");
      Evaluation evaluated = Objects.requireNonNull(last, "evaluation after the tasks");
      BranchedNetwork trainedNet = trained.network();
      if (saveTo != null) {
        trained.save(saveTo);
        progress.println(
            "["
                + protocol.name()
                + "/"
                + opts.method()
                + "] learner saved to "
                + saveTo
                + " ("
                + trainedNet.branches().size()
                + " branches, "
                + trainedNet.config().inputs()
                + " inputs, "
                + trainedNet.config().classes()
                + " classes)");
      }
      AccuracyMatrix m = new AccuracyMatrix(r);
      // What the method keeps to predict and to protect: the network's weights (all branches and
      // the
      // gate for branches, one plain network otherwise) and the protection's anchors and
      // importances, over one plain network's weights.
      long weights =
          opts.method() == Method.BRANCHES
              ? trainedNet.parameterCount()
              : trainedNet.singleNetworkParameters();
      double params =
          (double) (weights + trained.protectionFloats()) / trainedNet.singleNetworkParameters();
      List<BranchEvent> events = trained.events();
      return new RunResult(
          protocol.name(),
          protocol.scenario(),
          opts.method(),
          m,
          initial,
          // joint training is its own reference (intransigence 0); other methods get theirs
          // from a saved joint run (RunResult.withJointReference)
          ClMetrics.of(m, initial, opts.method() == Method.JOINT ? diagonal(r) : null),
          params,
          (double) weights / trainedNet.singleNetworkParameters(),
          evaluated.computeRatio,
          (int) events.stream().filter(e -> e instanceof BranchEvent.Spawned).count(),
          (int) events.stream().filter(e -> e instanceof BranchEvent.Merged).count(),
          (int) events.stream().filter(e -> e instanceof BranchEvent.Collected).count(),
          evaluated.usage,
          events,
          (clock.millis() - start) / 1000.0);
    } finally {
      if (net != null) {
        net.close();
      }
    }
  }

  private record Evaluation(double[] accuracy, double computeRatio, double[][] usage) {}

  /** Accuracy on every task's test set after stage {@code stage} (-1: before training). */
  private Evaluation evaluate(ContinualLearner learner, BranchedNetwork net, int stage) {
    List<ClTask> tasks = protocol.tasks();
    double[] acc = new double[tasks.size()];
    double[][] usage = new double[tasks.size()][net.config().maxBranches()];
    long evaluations = 0;
    long inputs = 0;
    for (int j = 0; j < tasks.size(); j++) {
      ClTask task = tasks.get(j);
      Dataset test = task.test();
      Prediction p = predict(learner, net, task, j <= stage && opts.method() != Method.JOINT);
      evaluations += p.branchEvaluations();
      inputs += test.size();
      int ok = 0;
      for (int i = 0; i < test.size(); i++) {
        ok += label(p.probabilities()[i], task) == test.y()[i] ? 1 : 0;
        usage[j][p.branch()[i]] += 1.0 / test.size();
      }
      acc[j] = test.size() == 0 ? 0 : (double) ok / test.size();
    }
    return new Evaluation(acc, inputs == 0 ? 0 : (double) evaluations / inputs, usage);
  }

  private Prediction predict(
      ContinualLearner learner, BranchedNetwork net, ClTask task, boolean learned) {
    float[][] x = task.test().x();
    int k = opts.testShift();
    if (k == 0 || !protocol.name().equals("split-mnist")) {
      return predictOnce(learner, net, task.name(), learned, x);
    }
    // Test-time shifts: the mean of the predictions of the image and of its four copies moved by
    // k pixels; the branch reported is the unshifted image's, the compute is all five passes'.
    Prediction p = predictOnce(learner, net, task.name(), learned, x);
    float[][] sum = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      sum[i] = p.probabilities()[i].clone();
    }
    long evaluations = p.branchEvaluations();
    int[][] moves = {{k, 0}, {-k, 0}, {0, k}, {0, -k}};
    for (int[] m : moves) {
      float[][] moved = new float[x.length][];
      for (int i = 0; i < x.length; i++) {
        moved[i] = translate(x[i], m[0], m[1]);
      }
      Prediction q = predictOnce(learner, net, task.name(), learned, moved);
      evaluations += q.branchEvaluations();
      for (int i = 0; i < x.length; i++) {
        float[] a = sum[i];
        float[] b = q.probabilities()[i];
        for (int c = 0; c < a.length; c++) {
          a[c] += b[c];
        }
      }
    }
    for (float[] a : sum) {
      for (int c = 0; c < a.length; c++) {
        a[c] /= 1 + moves.length;
      }
    }
    return new Prediction(sum, p.branch(), evaluations);
  }

  /** A 28x28 image moved by (dx, dy) pixels, vacated pixels 0. */
  static float[] translate(float[] x, int dx, int dy) {
    return Augmentation.translate(x, 28, 28, dx, dy);
  }

  private Prediction predictOnce(
      ContinualLearner learner,
      BranchedNetwork net,
      String taskName,
      boolean learned,
      float[][] x) {
    if (opts.method() != Method.BRANCHES) {
      return net.predictWith(net.branches().getFirst(), x);
    }
    if (protocol.scenario() == Scenario.TASK && learned) {
      // the task id is given: use the branch that learned it
      return net.predictWith(learner.branchOf(taskName), x);
    }
    return net.predict(x, gateMode());
  }

  private GateMode gateMode() {
    if (opts.gate() instanceof GateMode.ParallelVerifier pv
        && pv.verifier() == LEARNED_CLASSES_RULE) {
      Verifier rule = Verifier.rule(learnedClasses::get).and(Verifier.confidence());
      return new GateMode.ParallelVerifier(pv.p(), rule, pv.combine());
    }
    return opts.gate();
  }

  /** The predicted label; in the task scenario only the task's classes compete. */
  private int label(float[] p, ClTask task) {
    if (protocol.scenario() != Scenario.TASK) {
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      return best;
    }
    int best = task.classes()[0];
    for (int c : task.classes()) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  private BranchedNetwork network() {
    boolean branched = opts.method() == Method.BRANCHES;
    NetworkConfig c =
        new NetworkConfig(
            protocol.inputs(),
            opts.hidden(),
            protocol.outputs(),
            opts.granularity(),
            branched ? opts.kind() : BranchKind.FULL,
            opts.rank(),
            Math.max(1, opts.maxBranches()),
            opts.gateHidden(),
            opts.seed());
    return BranchedNetwork.create(c);
  }

  private EpisodicMemory memory() {
    return new EpisodicMemory(opts.memoryPerTask(), opts.seed());
  }

  /** Shifts only make sense on images in their pixel order: split MNIST (not permuted MNIST). */
  private Augmentation shift(int pixels) {
    return pixels > 0 && protocol.name().equals("split-mnist")
        ? Augmentation.shift(28, 28, pixels)
        : Augmentation.none();
  }

  /** The branches' training variation: the shift, then the elastic distortion (split MNIST). */
  private Augmentation trainAugmentation() {
    Augmentation a = shift(opts.trainShift());
    return opts.trainElastic() > 0 && protocol.name().equals("split-mnist")
        ? a.andThen(Augmentation.elastic(28, 28, ELASTIC_GRID, opts.trainElastic()))
        : a;
  }

  private LearnerConfig learnerConfig() {
    double s = opts.strength();
    Protection p =
        switch (opts.method()) {
          case BRANCHES, EWC -> new Protection.Ewc(s);
          case SI -> new Protection.Si(s, 0.1);
          case L2 -> new Protection.L2(s);
          case NAIVE, REPLAY, JOINT -> Protection.none();
        };
    LearnerConfig base =
        new LearnerConfig(
            opts.epochs(),
            opts.batch(),
            opts.lr(),
            opts.measure(),
            opts.threshold(),
            p,
            128,
            opts.method() == Method.REPLAY,
            opts.maxBranches(),
            opts.gateEpochs(),
            opts.gateLr(),
            opts.seed(),
            shift(opts.gateShift()),
            opts.optimizer(),
            opts.gateFresh(),
            trainAugmentation(),
            opts.cosineDecay());
    return opts.method() == Method.BRANCHES ? base : base.singleBranch(p);
  }

  private static double[] diagonal(double[][] r) {
    double[] d = new double[r.length];
    for (int j = 0; j < r.length; j++) {
      d[j] = r[j][j];
    }
    return d;
  }

  static String format(double[] row) {
    StringBuilder b = new StringBuilder();
    for (double v : row) {
      b.append(String.format("%5.1f ", 100 * v));
    }
    return b.toString().trim();
  }
}
