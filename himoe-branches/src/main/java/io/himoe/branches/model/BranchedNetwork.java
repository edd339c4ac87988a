package io.himoe.branches.model;

import ai.djl.ndarray.NDArray;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A classifier whose branched layers hold a bank of weight versions ("branches"), with a light
 * contextual gate that weighs the branches per input (seed 004, version A). Branch ids are slot
 * indices in {@code [0, maxBranches)}; slot 0 is live from the start.
 *
 * <p>A facade over four package-private parts: the {@code BranchBank} (layers, live slots, gate,
 * forward pass), the {@code BranchTrainer} (optimizer steps, gradients, Fisher information), the
 * {@code SvdMerger} and the {@code NetworkCodec}, with {@code GatedPredictor} for inference. Its
 * API speaks in {@code float[]}: tensors run on DJL's PyTorch CPU engine and stay inside this
 * package (the native library is loaded from the Maven jar, so nothing is downloaded). Methods are
 * synchronized: one network serves one thread at a time. Close the network to free native memory.
 */
public final class BranchedNetwork implements AutoCloseable {

  private final BranchBank bank;
  private final BranchTrainer trainer;
  private final GatedPredictor predictor;

  private BranchedNetwork(BranchBank bank) {
    this.bank = bank;
    this.trainer = new BranchTrainer(bank);
    this.predictor = new GatedPredictor(bank);
  }

  /**
   * @param config the network's shape
   * @return a new network with one live branch (id 0)
   */
  public static BranchedNetwork create(NetworkConfig config) {
    return new BranchedNetwork(new BranchBank(config));
  }

  /**
   * @return the configuration
   */
  public NetworkConfig config() {
    return bank.config;
  }

  /**
   * @return live branch ids, ascending
   */
  public synchronized List<Integer> branches() {
    return bank.live();
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
    return bank.spawn(parent);
  }

  /**
   * Removes a branch (merge or collection); its slot becomes free.
   *
   * @param id a live branch
   * @throws IllegalStateException when it is the last live branch
   */
  public synchronized void remove(int id) {
    List<NDArray> gone = bank.remove(id);
    trainer.forget(gone);
    gone.forEach(NDArray::close);
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
    return SvdMerger.merge(bank, keep, other);
  }

  /**
   * @return whether the shared layers (and low-rank base) are frozen
   */
  public synchronized boolean sharedFrozen() {
    return bank.sharedFrozen;
  }

  /**
   * Runs one SGD-with-momentum step of the cross-entropy loss on a batch, without a penalty.
   *
   * @param branch the branch trained
   * @param x inputs {@code [n][inputs]}
   * @param y labels in {@code [0, classes)}
   * @param lr learning rate
   * @return the batch loss before the step
   */
  public synchronized float trainStep(int branch, float[][] x, int[] y, double lr) {
    return trainer.step(branch, x, y, lr, Optimizer.sgd(), null, false);
  }

  /**
   * Runs one step of the given optimizer on the cross-entropy loss of a batch, without a penalty.
   *
   * @param branch the branch trained
   * @param x inputs {@code [n][inputs]}
   * @param y labels in {@code [0, classes)}
   * @param lr learning rate
   * @param optimizer the update rule
   * @return the batch loss before the step
   */
  public synchronized float trainStep(
      int branch, float[][] x, int[] y, double lr, Optimizer optimizer) {
    return trainer.step(branch, x, y, lr, optimizer, null, false);
  }

  /**
   * Runs one step of the given optimizer on the cross-entropy loss of a batch, with a protection
   * penalty's state: it gathers its path integral (when its task does), and with {@code
   * applyPenalty} the penalty's gradient is added to the loss's.
   *
   * @param branch the branch trained
   * @param x inputs {@code [n][inputs]}
   * @param y labels in {@code [0, classes)}
   * @param lr learning rate
   * @param optimizer the update rule
   * @param penalty the branch's penalty state (from {@link #penaltyState})
   * @param applyPenalty whether the penalty shapes this step
   * @return the batch loss before the step
   */
  public synchronized float trainStep(
      int branch,
      float[][] x,
      int[] y,
      double lr,
      Optimizer optimizer,
      PenaltyState penalty,
      boolean applyPenalty) {
    return trainer.step(branch, x, y, lr, optimizer, penalty, applyPenalty);
  }

  /**
   * @param branch a live branch
   * @param strength the penalty's strength λ &gt;= 0
   * @return an empty penalty state over the branch's own weights (close it, or the network)
   */
  public synchronized PenaltyState penaltyState(int branch, double strength) {
    return new PenaltyState(bank.ownParams(branch), strength);
  }

  /**
   * Reads a penalty state written by {@link PenaltyState#writeTo} for a branch of this network.
   *
   * @param branch a live branch
   * @param strength the penalty's strength λ &gt;= 0
   * @param in the stream
   * @return the state
   * @throws IOException if the data does not fit the branch's weights
   */
  public synchronized PenaltyState readPenaltyState(int branch, double strength, DataInput in)
      throws IOException {
    PenaltyState s = new PenaltyState(bank.ownParams(branch), strength);
    s.readFrom(in);
    return s;
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
    return trainer.gradient(branch, x, y);
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
    return trainer.fisher(branch, x, y);
  }

  /**
   * @param branch the branch
   * @param x inputs
   * @param y labels
   * @return the mean cross-entropy (nats) of the branch on the batch
   */
  public synchronized float loss(int branch, float[][] x, int[] y) {
    return trainer.loss(branch, x, y);
  }

  /**
   * @param branch a live branch
   * @return its own parameters flattened, in {@link #gradient} order (a copy)
   */
  public synchronized float[] weights(int branch) {
    return trainer.weights(branch);
  }

  /**
   * Class probabilities of one branch, without the gate (not counted in {@link #usage}).
   *
   * @param branch the branch
   * @param x inputs
   * @return the prediction (every input uses {@code branch})
   */
  public synchronized Prediction predictWith(int branch, float[][] x) {
    return predictor.with(branch, x);
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
    return predictor.predict(x, mode);
  }

  /**
   * The gate's weights {@code α(c)} over branch slots (0 for dead slots) for each input.
   *
   * @param x inputs
   * @return weights per input, summing to 1 over live branches
   */
  public synchronized double[][] gateWeights(float[][] x) {
    return predictor.gateWeights(x);
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
      bank.live(b);
    }
    return bank.gate.trainPass(x, branch, bank.liveMask(), lr, batchSize);
  }

  /**
   * @return times each slot was the chosen branch of a prediction since the slot was filled
   */
  public synchronized long[] usage() {
    return bank.usage.clone();
  }

  /**
   * @return floats in the network: shared layers, every live branch's own layers, and the gate
   */
  public synchronized long parameterCount() {
    return bank.parameterCount();
  }

  /**
   * @param branch a live branch
   * @return floats that branch owns
   */
  public synchronized long branchParameterCount(int branch) {
    return bank.branchParameterCount(branch);
  }

  /**
   * @return floats of one plain network of the same shape (no branches, no gate)
   */
  public long singleNetworkParameters() {
    return bank.singleNetworkParameters();
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
    NetworkCodec.write(bank, out);
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
    return new BranchedNetwork(NetworkCodec.read(in));
  }

  @Override
  public synchronized void close() {
    bank.close();
  }

  /** A branch's own parameters, live (tests in this package). */
  synchronized List<NDArray> ownParams(int branch) {
    return bank.ownParams(branch);
  }
}
