package io.himoe.quantum.circuit;

import io.himoe.quantum.sim.Axis;
import io.himoe.quantum.sim.StateVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A parameterised circuit over a growing register, read from |0…0⟩. Its parameters are grouped in
 * slots, one per gate: an <em>encoded</em> slot's angle is {@code bias + Σ_j w_j·x_j} (the input
 * re-uploaded in every layer), a plain slot's angle is its bias alone.
 *
 * <p>Blocks are appended, never rewritten: a block appended with initial scale 0 is exactly the
 * identity (every angle 0), so appending one, or adding a qubit, leaves every probability over the
 * existing basis states unchanged. Frozen slots keep their values and get no gradient.
 *
 * <p>Not thread-safe. {@link #executions()} counts circuit runs, the unit a quantum device would
 * bill (each run there is itself repeated for every shot).
 */
public final class Circuit {

  /** The parameter shift of the two-term rule, π/2. */
  public static final double SHIFT = Math.PI / 2;

  private final int inputs;
  private int qubits;
  private final List<Op> ops = new ArrayList<>();
  private int[] slotOffset = new int[0];
  private boolean[] slotEncoded = new boolean[0];
  private boolean[] slotFrozen = new boolean[0];
  private double[] params = new double[0];
  private int blocks;
  private long executions;

  private Circuit(int qubits, int inputs) {
    this.qubits = qubits;
    this.inputs = inputs;
  }

  /**
   * @param qubits register size, 1 to {@link StateVector#MAX_QUBITS}
   * @param inputs input features read by encoded slots, at least 1
   * @return a circuit with no gate (the identity)
   */
  public static Circuit empty(int qubits, int inputs) {
    if (qubits < 1 || qubits > StateVector.MAX_QUBITS) {
      throw new IllegalArgumentException(
          "qubits: " + qubits + ", need 1.." + StateVector.MAX_QUBITS);
    }
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs: " + inputs + ", need at least 1");
    }
    return new Circuit(qubits, inputs);
  }

  /**
   * Appends a block of {@code layers} layers over every current qubit; each layer is, per qubit,
   * {@code R_Y(bias + w·x)} (input re-uploaded) then {@code R_Z(θ)}, then {@code R_ZZ(θ)} on each
   * neighbouring pair of a ring. Initial biases and free angles are drawn from N(0, scale²), input
   * weights from N(0, scale²/inputs); scale 0 gives the identity.
   *
   * @param layers layers, at least 1
   * @param scale initial spread (radians), 0 or more
   * @param random the initialisation's randomness
   */
  public void appendBlock(int layers, double scale, RandomGenerator random) {
    if (layers < 1) {
      throw new IllegalArgumentException("layers: " + layers + ", need at least 1");
    }
    if (!(scale >= 0)) {
      throw new IllegalArgumentException("scale: " + scale + ", need 0 or more");
    }
    for (int l = 0; l < layers; l++) {
      for (int q = 0; q < qubits; q++) {
        ops.add(new Op.Rotation(Axis.Y, q, addSlot(true, scale, random)));
        ops.add(new Op.Rotation(Axis.Z, q, addSlot(false, scale, random)));
      }
      // a ring: 0-1, 1-2, ..., (n-1)-0; two qubits have one pair, one qubit none
      int pairs = qubits == 1 ? 0 : qubits == 2 ? 1 : qubits;
      for (int q = 0; q < pairs; q++) {
        ops.add(new Op.ZzRotation(q, (q + 1) % qubits, addSlot(false, scale, random)));
      }
    }
    blocks++;
  }

  private int addSlot(boolean encoded, double scale, RandomGenerator random) {
    int slot = slotOffset.length;
    int width = encoded ? 1 + inputs : 1;
    slotOffset = Arrays.copyOf(slotOffset, slot + 1);
    slotEncoded = Arrays.copyOf(slotEncoded, slot + 1);
    slotFrozen = Arrays.copyOf(slotFrozen, slot + 1);
    slotOffset[slot] = params.length;
    slotEncoded[slot] = encoded;
    int off = params.length;
    params = Arrays.copyOf(params, off + width);
    if (scale > 0) {
      params[off] = random.nextGaussian() * scale;
      for (int j = 1; j < width; j++) {
        params[off + j] = random.nextGaussian() * scale / Math.sqrt(inputs);
      }
    }
    return slot;
  }

  /**
   * Adds a qubit in |0⟩ as the register's new highest bit. Existing gates do not touch it, so the
   * probability of every existing basis state is unchanged.
   *
   * @return the new qubit's index
   */
  public int addQubit() {
    if (qubits >= StateVector.MAX_QUBITS) {
      throw new IllegalStateException("the register is at its limit of " + qubits + " qubits");
    }
    return qubits++;
  }

  /** Freezes every current slot: their angles stay as they are and get no gradient. */
  public void freezeAll() {
    Arrays.fill(slotFrozen, true);
  }

  /**
   * @return qubits in the register
   */
  public int qubits() {
    return qubits;
  }

  /**
   * @return input features read by encoded slots
   */
  public int inputs() {
    return inputs;
  }

  /**
   * @return the gates, in the order they act
   */
  public List<Op> ops() {
    return List.copyOf(ops);
  }

  /**
   * @return blocks appended so far
   */
  public int blocks() {
    return blocks;
  }

  /**
   * @return total parameters (biases and input weights of every slot)
   */
  public int parameterCount() {
    return params.length;
  }

  /**
   * @return parameters that are not frozen
   */
  public int trainableCount() {
    int n = 0;
    for (int s = 0; s < slotOffset.length; s++) {
      if (!slotFrozen[s]) {
        n += width(s);
      }
    }
    return n;
  }

  /**
   * @return a copy of every parameter, slot by slot (bias, then input weights when encoded)
   */
  public double[] parameters() {
    return params.clone();
  }

  /**
   * @param values every parameter, as {@link #parameters()} lays them out
   */
  public void setParameters(double[] values) {
    if (values.length != params.length) {
      throw new IllegalArgumentException(
          values.length + " parameters given, the circuit has " + params.length);
    }
    params = values.clone();
  }

  /**
   * @return per parameter, whether it trains (its slot is not frozen)
   */
  public boolean[] trainable() {
    boolean[] t = new boolean[params.length];
    for (int s = 0; s < slotOffset.length; s++) {
      if (!slotFrozen[s]) {
        Arrays.fill(t, slotOffset[s], slotOffset[s] + width(s), true);
      }
    }
    return t;
  }

  /**
   * @return circuit runs so far (a gradient costs 1 + 2 per trainable gate)
   */
  public long executions() {
    return executions;
  }

  /**
   * @param x the input, {@link #inputs()} features
   * @return the state the circuit prepares from |0…0⟩
   */
  public StateVector run(float[] x) {
    checkInput(x);
    StateVector s = StateVector.zero(qubits);
    for (Op op : ops) {
      apply(s, op, angle(op.slot(), x));
    }
    executions++;
    return s;
  }

  /**
   * @param x the input
   * @return the Born probabilities over the register's basis states
   */
  public double[] probabilities(float[] x) {
    return run(x).probabilities();
  }

  /**
   * Adds {@code weight · ∂(-log p_target)/∂θ} to {@code gradient}, every derivative by the
   * parameter-shift rule {@code ∂p/∂angle = (p(angle + π/2) - p(angle - π/2)) / 2}, the chain rule
   * giving {@code ∂angle/∂w_j = x_j} for input weights. Frozen slots are skipped (no runs).
   *
   * @param x the input
   * @param target the basis state whose probability the loss raises
   * @param weight the example's weight in the sum (e.g. 1 / batch size)
   * @param gradient accumulator, {@link #parameterCount()} long
   * @return {@code -log p_target} at the current parameters (p floored at 1e-12)
   */
  public double accumulateGradient(float[] x, int target, double weight, double[] gradient) {
    checkInput(x);
    if (gradient.length != params.length) {
      throw new IllegalArgumentException(
          "gradient has " + gradient.length + " entries, the circuit " + params.length);
    }
    int n = ops.size();
    double[] angles = new double[n];
    // The state before each op whose slot trains; null for a frozen slot's op (no gradient).
    @Nullable StateVector[] before = new StateVector[n];
    StateVector s = StateVector.zero(qubits);
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      angles[i] = angle(op.slot(), x);
      if (!slotFrozen[op.slot()]) {
        before[i] = s.copy();
      }
      apply(s, op, angles[i]);
    }
    executions++;
    double p = Math.max(s.probability(target), 1e-12);
    StateVector work = StateVector.zero(qubits);
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      StateVector in = before[i];
      if (in == null) {
        continue;
      }
      double plus = shifted(in, work, i, angles, +SHIFT).probability(target);
      double minus = shifted(in, work, i, angles, -SHIFT).probability(target);
      double dAngle = -weight * (plus - minus) / 2 / p;
      int off = slotOffset[op.slot()];
      gradient[off] += dAngle;
      if (slotEncoded[op.slot()]) {
        for (int j = 0; j < inputs; j++) {
          gradient[off + 1 + j] += dAngle * x[j];
        }
      }
    }
    return -Math.log(p);
  }

  private StateVector shifted(
      StateVector start, StateVector work, int at, double[] angles, double shift) {
    work.copyFrom(start);
    apply(work, ops.get(at), angles[at] + shift);
    for (int i = at + 1; i < ops.size(); i++) {
      apply(work, ops.get(i), angles[i]);
    }
    executions++;
    return work;
  }

  private double angle(int slot, float[] x) {
    int off = slotOffset[slot];
    double a = params[off];
    if (slotEncoded[slot]) {
      for (int j = 0; j < inputs; j++) {
        a += params[off + 1 + j] * x[j];
      }
    }
    return a;
  }

  private int width(int slot) {
    return slotEncoded[slot] ? 1 + inputs : 1;
  }

  private static void apply(StateVector s, Op op, double angle) {
    switch (op) {
      case Op.Rotation r -> s.rotate(r.axis(), r.qubit(), angle);
      case Op.ZzRotation z -> s.rzz(z.a(), z.b(), angle);
    }
  }

  private void checkInput(float[] x) {
    if (x.length != inputs) {
      throw new IllegalArgumentException(
          "input has " + x.length + " features, the circuit reads " + inputs);
    }
  }

  @Override
  public String toString() {
    return "Circuit["
        + qubits
        + " qubits, "
        + ops.size()
        + " gates, "
        + params.length
        + " parameters]";
  }
}
