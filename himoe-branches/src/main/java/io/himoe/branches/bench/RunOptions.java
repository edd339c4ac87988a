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
    MergeMethod mergeMethod) {

  /** Copies. */
  public RunOptions {
    hidden = List.copyOf(hidden);
  }

  /**
   * @param method the method
   * @return defaults: 2x400, 2 epochs, batch 64, lr 0.02, top-1 gate, whole-block low-rank rank 32
   *     branches, cosine threshold 0.1, budget 10, no merge, 500 episodes per task, strength by
   *     method
   */
  public static RunOptions of(Method method) {
    double strength =
        switch (method) {
          case EWC -> 50;
          case SI -> 10;
          case L2 -> 1;
          default -> 50;
        };
    return new RunOptions(
        method,
        List.of(400, 400),
        2,
        64,
        0.02,
        GateMode.topK(1),
        Granularity.BLOCK,
        BranchKind.LOW_RANK,
        32,
        ConflictMeasure.COSINE,
        0.1,
        10,
        false,
        10,
        500,
        strength,
        20,
        0.05,
        1,
        128,
        0,
        Optimizer.sgd(),
        false,
        0,
        MergeMethod.DISTILL);
  }
}
