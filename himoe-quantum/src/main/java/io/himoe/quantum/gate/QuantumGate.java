package io.himoe.quantum.gate;

import io.himoe.quantum.circuit.Circuit;
import io.himoe.quantum.sim.StateVector;
import java.util.random.RandomGenerator;

/**
 * Seed 004 B's gate, simulated: branch b is the basis state |b⟩ of a register, the gate is a
 * parameterised circuit whose output amplitudes spread over the branches, and selection measures
 * the register. A register of n qubits holds 2^n basis states; the live branches are the first
 * {@link #branches()} of them, the rest are outcomes that mean "no branch".
 *
 * <p>Growing: {@link #addBranch()} makes the next basis state live; when the register is full it
 * adds a qubit and a block of rotations over the whole register that starts near the identity (a
 * new qubit that no gate touches would stay |0⟩ and its half of the basis would be unreachable).
 * {@link #extend()} freezes every angle learnt so far and appends such a block. With {@code
 * extendScale} 0 the block is exactly the identity and no branch's probability changes, for any
 * input; with the default 0.1 they move by O(0.01), so that the new angles get a gradient.
 *
 * <p>Not thread-safe.
 */
public final class QuantumGate implements TrainableGate {

  private final QuantumGateConfig config;
  private final Circuit circuit;
  private final RandomGenerator init;
  private int branches = 1;

  private QuantumGate(QuantumGateConfig config, Circuit circuit, RandomGenerator init) {
    this.config = config;
    this.circuit = circuit;
    this.init = init;
  }

  /**
   * @param config the gate's shape
   * @param random initialisation randomness (seeded for repeatable runs)
   * @return a gate with one live branch and a randomly initialised first block
   */
  public static QuantumGate create(QuantumGateConfig config, RandomGenerator random) {
    Circuit c = Circuit.empty(config.qubits(), config.inputs());
    c.appendBlock(config.layers(), config.initScale(), random);
    return new QuantumGate(config, c, random);
  }

  /**
   * @return the underlying circuit (for inspection; changing it changes the gate)
   */
  public Circuit circuit() {
    return circuit;
  }

  /**
   * @return the configuration
   */
  public QuantumGateConfig config() {
    return config;
  }

  @Override
  public int branches() {
    return branches;
  }

  @Override
  public int addBranch() {
    if (branches == 1 << circuit.qubits()) {
      circuit.addQubit();
      circuit.appendBlock(config.extendLayers(), config.extendScale(), init);
    }
    return branches++;
  }

  @Override
  public boolean canExtend() {
    return true;
  }

  @Override
  public void extend() {
    circuit.freezeAll();
    circuit.appendBlock(config.extendLayers(), config.extendScale(), init);
  }

  /**
   * @param x the input
   * @return the Born probabilities over every basis state of the register (noise-free)
   */
  public double[] probabilities(float[] x) {
    return circuit.probabilities(x);
  }

  @Override
  public double[] distribution(float[] x) {
    double[] p = circuit.probabilities(x);
    double[] d = new double[branches];
    double sum = 0;
    for (int b = 0; b < branches; b++) {
      d[b] = p[b];
      sum += p[b];
    }
    for (int b = 0; b < branches; b++) {
      d[b] = sum > 0 ? d[b] / sum : 1.0 / branches;
    }
    return d;
  }

  @Override
  public Route route(float[] x, Selection selection, RandomGenerator random) {
    return route(x, selection, config.noise(), random);
  }

  /**
   * Chooses a branch as a device with this noise would.
   *
   * @param x the input
   * @param selection expectation (argmax of the noisy distribution) or measurement
   * @param noise the noise applied to the measured distribution
   * @param random the shots' randomness
   * @return the decision
   */
  public Route route(float[] x, Selection selection, Noise noise, RandomGenerator random) {
    double[] p = noise.apply(circuit.probabilities(x), circuit.qubits());
    return switch (selection) {
      case Selection.Expectation e -> {
        double[] live = java.util.Arrays.copyOf(p, branches);
        yield new Route(TrainableGate.argmax(live), 0, 0);
      }
      case Selection.Measurement m -> {
        int[] counts = StateVector.sample(p, m.shots(), random);
        int kept = 0;
        int best = -1;
        for (int b = 0; b < branches; b++) {
          kept += counts[b];
          if (counts[b] > 0 && (best < 0 || counts[b] > counts[best])) {
            best = b;
          }
        }
        yield new Route(best, m.shots(), m.shots() - kept);
      }
    };
  }

  @Override
  public double accumulateGradient(float[] x, int branch, double weight, double[] gradient) {
    if (branch < 0 || branch >= branches) {
      throw new IllegalArgumentException(
          "branch " + branch + " is not live (0.." + (branches - 1) + ")");
    }
    // the loss is -log of the raw probability, so mass on basis states that are no branch is
    // pushed back into the live ones as well
    return circuit.accumulateGradient(x, branch, weight, gradient);
  }

  @Override
  public double[] parameters() {
    return circuit.parameters();
  }

  @Override
  public void setParameters(double[] values) {
    circuit.setParameters(values);
  }

  @Override
  public boolean[] trainable() {
    return circuit.trainable();
  }

  @Override
  public int parameterCount() {
    return circuit.parameterCount();
  }

  @Override
  public String describe() {
    return "quantum gate (simulated): "
        + circuit.qubits()
        + " qubits, "
        + circuit.blocks()
        + " blocks, "
        + circuit.ops().size()
        + " gates, "
        + circuit.parameterCount()
        + " parameters ("
        + circuit.trainableCount()
        + " trainable)";
  }
}
