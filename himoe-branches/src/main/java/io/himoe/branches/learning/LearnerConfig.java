package io.himoe.branches.learning;

import io.himoe.branches.model.Optimizer;
import java.util.Objects;

/**
 * How the continual learner trains, decides and protects. Numbers are per task unless said.
 *
 * @param epochs passes over a task's training data
 * @param batchSize mini-batch size
 * @param lr SGD learning rate (momentum 0.9)
 * @param measure gradient similarity measure
 * @param threshold spawn a branch when the best similarity is below it; {@code -Infinity} never
 *     spawns (single-branch baselines)
 * @param protection protection used when fine-tuning an existing branch
 * @param probeSize examples used to measure gradients and Fisher information
 * @param replay mix the fine-tuned branch's remembered episodes into every batch
 * @param maxBranches budget {@code m_max} of live branches; at the budget, the closest branch is
 *     fine-tuned instead of spawning
 * @param gateEpochs passes of gate training over the episodic memory after each task
 * @param gateLr gate learning rate
 * @param seed seed of shuffles and sampling
 * @param gateAugmentation how remembered episodes are varied when the gate trains on them
 * @param optimizer the update rule of branch training ({@code lr} is its learning rate)
 * @param gateFreshCurrent when training the gate after a task, draw that task's examples afresh
 *     from its whole training set in every pass (instead of its remembered episodes only)
 * @param trainAugmentation how training inputs of a branch are varied in every batch
 * @param cosineDecay decay the learning rate of each task's training from {@code lr} to 0 along a
 *     half cosine (otherwise constant)
 */
public record LearnerConfig(
    int epochs,
    int batchSize,
    double lr,
    ConflictMeasure measure,
    double threshold,
    Protection protection,
    int probeSize,
    boolean replay,
    int maxBranches,
    int gateEpochs,
    double gateLr,
    long seed,
    Augmentation gateAugmentation,
    Optimizer optimizer,
    boolean gateFreshCurrent,
    Augmentation trainAugmentation,
    boolean cosineDecay) {

  /** Validates. */
  public LearnerConfig {
    Objects.requireNonNull(measure, "measure");
    Objects.requireNonNull(protection, "protection");
    Objects.requireNonNull(gateAugmentation, "gateAugmentation");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(trainAugmentation, "trainAugmentation");
    positive("epochs", epochs);
    positive("batchSize", batchSize);
    positive("probeSize", probeSize);
    positive("maxBranches", maxBranches);
    if (gateEpochs < 0) {
      throw new IllegalArgumentException("gateEpochs must be >= 0, got " + gateEpochs);
    }
    if (!(lr > 0) || !(gateLr > 0)) {
      throw new IllegalArgumentException("lr and gateLr must be > 0, got " + lr + ", " + gateLr);
    }
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold is NaN");
    }
  }

  /**
   * Branches with defaults: 2 epochs, batch 64, lr 0.02, cosine below 0 spawns, EWC(50) when
   * fine-tuning, probe 128, no replay, budget 8, 5 gate passes at lr 0.05, seed 1.
   *
   * @return the config
   */
  public static LearnerConfig ofDefaults() {
    return new LearnerConfig(
        2,
        64,
        0.02,
        ConflictMeasure.COSINE,
        0.0,
        new Protection.Ewc(50),
        128,
        false,
        8,
        5,
        0.05,
        1,
        Augmentation.none(),
        Optimizer.sgd(),
        false,
        Augmentation.none(),
        false);
  }

  /**
   * @param p protection
   * @return a single-branch learner (never spawns) with that protection
   */
  public LearnerConfig singleBranch(Protection p) {
    return edit(b -> b.threshold = Double.NEGATIVE_INFINITY)
        .edit(b -> b.protection = p)
        .edit(b -> b.maxBranches = 1);
  }

  /**
   * @param m measure
   * @param t threshold
   * @return a copy with that conflict rule
   */
  public LearnerConfig withConflict(ConflictMeasure m, double t) {
    return edit(b -> b.measure = m).edit(b -> b.threshold = t);
  }

  /**
   * @param e epochs
   * @param size batch size
   * @param rate learning rate
   * @return a copy with that schedule
   */
  public LearnerConfig withTraining(int e, int size, double rate) {
    return edit(b -> b.epochs = e).edit(b -> b.batchSize = size).edit(b -> b.lr = rate);
  }

  /**
   * @param on whether to replay episodes
   * @return a copy
   */
  public LearnerConfig withReplay(boolean on) {
    return edit(b -> b.replay = on);
  }

  /**
   * @param m budget of live branches
   * @return a copy
   */
  public LearnerConfig withMaxBranches(int m) {
    return edit(b -> b.maxBranches = m);
  }

  /**
   * @param p protection when fine-tuning
   * @return a copy
   */
  public LearnerConfig withProtection(Protection p) {
    return edit(b -> b.protection = p);
  }

  /**
   * @param passes gate passes per task
   * @param rate gate learning rate
   * @return a copy
   */
  public LearnerConfig withGate(int passes, double rate) {
    return edit(b -> b.gateEpochs = passes).edit(b -> b.gateLr = rate);
  }

  /**
   * @param a how episodes are varied for the gate
   * @return a copy
   */
  public LearnerConfig withGateAugmentation(Augmentation a) {
    return edit(b -> b.gateAugmentation = a);
  }

  /**
   * @param o the update rule of branch training
   * @return a copy
   */
  public LearnerConfig withOptimizer(Optimizer o) {
    return edit(b -> b.optimizer = o);
  }

  /**
   * @param on draw the current task's gate examples afresh from its training set in every pass
   * @return a copy
   */
  public LearnerConfig withGateFreshCurrent(boolean on) {
    return edit(b -> b.gateFreshCurrent = on);
  }

  /**
   * @param a how a branch's training inputs are varied
   * @return a copy
   */
  public LearnerConfig withTrainAugmentation(Augmentation a) {
    return edit(b -> b.trainAugmentation = a);
  }

  /**
   * @param on decay each task's learning rate to 0 along a half cosine
   * @return a copy
   */
  public LearnerConfig withCosineDecay(boolean on) {
    return edit(b -> b.cosineDecay = on);
  }

  /** A mutable copy of every field, so that each wither names only what it changes. */
  private static final class Fields {
    int epochs;
    int batchSize;
    double lr;
    ConflictMeasure measure;
    double threshold;
    Protection protection;
    int probeSize;
    boolean replay;
    int maxBranches;
    int gateEpochs;
    double gateLr;
    long seed;
    Augmentation gateAugmentation;
    Optimizer optimizer;
    boolean gateFreshCurrent;
    Augmentation trainAugmentation;
    boolean cosineDecay;

    Fields(LearnerConfig c) {
      epochs = c.epochs;
      batchSize = c.batchSize;
      lr = c.lr;
      measure = c.measure;
      threshold = c.threshold;
      protection = c.protection;
      probeSize = c.probeSize;
      replay = c.replay;
      maxBranches = c.maxBranches;
      gateEpochs = c.gateEpochs;
      gateLr = c.gateLr;
      seed = c.seed;
      gateAugmentation = c.gateAugmentation;
      optimizer = c.optimizer;
      gateFreshCurrent = c.gateFreshCurrent;
      trainAugmentation = c.trainAugmentation;
      cosineDecay = c.cosineDecay;
    }
  }

  private LearnerConfig edit(java.util.function.Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new LearnerConfig(
        f.epochs,
        f.batchSize,
        f.lr,
        f.measure,
        f.threshold,
        f.protection,
        f.probeSize,
        f.replay,
        f.maxBranches,
        f.gateEpochs,
        f.gateLr,
        f.seed,
        f.gateAugmentation,
        f.optimizer,
        f.gateFreshCurrent,
        f.trainAugmentation,
        f.cosineDecay);
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + v);
    }
  }
}
