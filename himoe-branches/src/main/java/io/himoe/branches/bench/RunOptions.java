package io.himoe.branches.bench;

import io.himoe.branches.learning.ConflictMeasure;
import io.himoe.branches.learning.MergeMethod;
import io.himoe.branches.model.BranchKind;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.Granularity;
import io.himoe.branches.model.Optimizer;
import java.util.List;

/**
 * Settings of one run of the harness (the ablation knobs of seed 004).
 *
 * @param method the method
 * @param hidden hidden layer widths (Hsu et al.: 400, 400)
 * @param epochs passes per task
 * @param batch mini-batch size
 * @param lr learning rate
 * @param gate gate mode for branches at test time
 * @param granularity branch granularity
 * @param kind full or low-rank branches
 * @param rank low-rank rank
 * @param measure conflict measure
 * @param threshold conflict threshold (spawn below it)
 * @param maxBranches budget m_max
 * @param merge run consolidation (merge/collect) after every task
 * @param mergeBudget branches kept by consolidation (m_max of the merge)
 * @param memoryPerTask episodes remembered per task (gate training and replay)
 * @param strength protection strength (EWC λ, SI c, L2 λ)
 * @param gateEpochs gate training passes over the memory after each task
 * @param gateLr gate learning rate
 * @param seed seed
 * @param gateHidden width of the gate's context layer
 * @param gateShift largest random shift (pixels) of remembered images when the gate trains on them
 *     (split MNIST only; 0: none)
 * @param optimizer update rule of branch training
 * @param gateFresh the gate draws the current task's examples afresh from its training set
 * @param trainShift largest random shift (pixels) of training images of a branch (split MNIST only;
 *     0: none)
 * @param mergeMethod how consolidation merges two branches
 * @param cosineDecay half-cosine learning-rate decay over each task's epochs
 * @param testShift at test time, average the prediction of each image with those of its copies
 *     shifted by this many pixels up, down, left and right (split MNIST only; 0: none)
 */
public record RunOptions(
    Method method,
    List<Integer> hidden,
    int epochs,
    int batch,
    double lr,
    GateMode gate,
    Granularity granularity,
    BranchKind kind,
    int rank,
    ConflictMeasure measure,
    double threshold,
    int maxBranches,
    boolean merge,
    int mergeBudget,
    int memoryPerTask,
    double strength,
    int gateEpochs,
    double gateLr,
    long seed,
    int gateHidden,
    int gateShift,
    Optimizer optimizer,
    boolean gateFresh,
    int trainShift,
    MergeMethod mergeMethod,
    boolean cosineDecay,
    int testShift,
    double trainElastic) {

  private static final boolean GATE_FRESH = false;

  /** Copies. */
  public RunOptions {
    hidden = List.copyOf(hidden);
    if (testShift < 0) {
      throw new IllegalArgumentException("--test-shift must be >= 0, got " + testShift);
    }
    if (!(trainElastic >= 0) || Double.isInfinite(trainElastic)) {
      throw new IllegalArgumentException(
          "--train-elastic must be a finite number of pixels >= 0, got " + trainElastic);
    }
  }

  /**
   * Defaults, chosen on split MNIST's validation split ({@code --validation}), never on its test
   * set. Every method: 2x400, batch 64, top-1 gate, cosine threshold 0.1, budget 10, no merge, 500
   * episodes per task, strength by method. Baselines: 2 epochs of SGD (momentum 0.9) at lr 0.02.
   * Branches: 5 epochs of Adam at lr 0.003, whole-block low-rank rank-32 branches, a gate of width
   * 400 trained 200 passes per task on its remembered images shifted by up to 2 pixels, training
   * images shifted by up to 1 pixel, and at test time the mean prediction over the image and its
   * four 1-pixel shifts (all shifts on split MNIST only).
   *
   * @param method the method
   * @return its defaults on split MNIST, class-incremental
   */
  public static RunOptions of(Method method) {
    return of(method, "split-mnist", Scenario.CLASS);
  }

  /**
   * Defaults for a protocol and scenario: those of {@link #of(Method)}, except that
   *
   * <ul>
   *   <li>the branches' gate has width 128 on protocols of ten tasks (permuted MNIST, CLINC150 by
   *       domain): a width-400 gate over 784 inputs costs 0.66 of one network, and with ten
   *       branches it takes the parameters past the 3x budget (3.08x on permuted MNIST; 2.63x with
   *       width 128);
   *   <li>in the task scenario of split MNIST the branches' training images are also deformed
   *       elastically (control points displaced by up to 2 pixels): on the validation split it
   *       lifted the task scenario on each of 3 seeds (99.50 to 99.64 on average) but lowered the
   *       domain and class scenarios, where the gate's routing is what limits accuracy;
   *   <li>CLINC150 by domain uses one hidden layer of 256 for every method, and the branches train
   *       20 epochs with rank-20 deltas and a width-64 gate (chosen on its validation split with
   *       MiniLM features: task 96.05 at 3.84x parameters with the split-MNIST settings, 97.61 at
   *       2.74x with these).
   * </ul>
   *
   * @param method the method
   * @param protocol the protocol's name ({@code split-mnist}, {@code permuted-mnist}, ...)
   * @param scenario the scenario
   * @return its defaults there
   */
  public static RunOptions of(Method method, String protocol, Scenario scenario) {
    boolean b = method == Method.BRANCHES;
    boolean mnist = protocol.equals("split-mnist");
    boolean clinc = protocol.equals("clinc-domains");
    int gateHidden = b && mnist ? 400 : b && clinc ? 64 : 128;
    double elastic = b && mnist && scenario == Scenario.TASK ? 2 : 0;
    double strength =
        switch (method) {
          case EWC -> 50;
          case SI -> 10;
          case L2 -> 1;
          default -> 50;
        };
    return new RunOptions(
        method,
        clinc ? List.of(256) : List.of(400, 400),
        b ? (clinc ? 20 : 5) : 2,
        64,
        b ? 0.003 : 0.02,
        GateMode.topK(1),
        Granularity.BLOCK,
        BranchKind.LOW_RANK,
        b && clinc ? 20 : 32,
        ConflictMeasure.COSINE,
        0.1,
        10,
        false,
        10,
        500,
        strength,
        b ? 200 : 20,
        0.05,
        1,
        gateHidden,
        b ? 2 : 0,
        b ? Optimizer.adam() : Optimizer.sgd(),
        GATE_FRESH && b,
        b ? 1 : 0,
        MergeMethod.DISTILL,
        false,
        b ? 1 : 0,
        elastic);
  }
}
