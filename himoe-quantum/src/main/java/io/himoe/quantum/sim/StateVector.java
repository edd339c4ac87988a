package io.himoe.quantum.sim;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The state of n qubits: 2^n complex amplitudes (double precision), changed in place by gates.
 * Every gate is unitary, so the norm stays 1 up to rounding (about 1e-15 per gate).
 *
 * <p>Not thread-safe; {@link #copy()} gives an independent state.
 */
public final class StateVector {

  /** Largest register this simulator accepts: 2^20 amplitudes are 16 MiB of doubles. */
  public static final int MAX_QUBITS = 20;

  private int qubits;
  private double[] re;
  private double[] im;

  private StateVector(int qubits, double[] re, double[] im) {
    this.qubits = qubits;
    this.re = re;
    this.im = im;
  }

  /**
   * @param qubits register size, 1 to {@link #MAX_QUBITS}
   * @return the state |0…0⟩
   */
  public static StateVector zero(int qubits) {
    return basis(qubits, 0);
  }

  /**
   * @param qubits register size, 1 to {@link #MAX_QUBITS}
   * @param index basis index, 0 to 2^qubits - 1 (bit q is qubit q)
   * @return the basis state |index⟩
   */
  public static StateVector basis(int qubits, int index) {
    checkQubits(qubits);
    int dim = 1 << qubits;
    if (index < 0 || index >= dim) {
      throw new IllegalArgumentException(
          "basis index " + index + " outside 0.." + (dim - 1) + " for " + qubits + " qubits");
    }
    double[] re = new double[dim];
    re[index] = 1;
    return new StateVector(qubits, re, new double[dim]);
  }

  /**
   * @param re real parts, length a power of two (at least 2)
   * @param im imaginary parts, same length
   * @return the state with these amplitudes, normalised to norm 1
   * @throws IllegalArgumentException on a bad length or a zero vector
   */
  public static StateVector of(double[] re, double[] im) {
    int dim = re.length;
    if (dim < 2 || Integer.bitCount(dim) != 1 || im.length != dim) {
      throw new IllegalArgumentException(
          "amplitudes: lengths " + re.length + "/" + im.length + ", need one power of two >= 2");
    }
    int n = Integer.numberOfTrailingZeros(dim);
    checkQubits(n);
    StateVector s = new StateVector(n, re.clone(), im.clone());
    double norm = Math.sqrt(s.normSquared());
    if (norm == 0 || !Double.isFinite(norm)) {
      throw new IllegalArgumentException(
          "amplitudes: norm is " + norm + ", need a finite non-zero");
    }
    for (int i = 0; i < dim; i++) {
      s.re[i] /= norm;
      s.im[i] /= norm;
    }
    return s;
  }

  private static void checkQubits(int qubits) {
    if (qubits < 1 || qubits > MAX_QUBITS) {
      throw new IllegalArgumentException(
          "qubits: " + qubits + ", need 1.." + MAX_QUBITS + " (a statevector doubles per qubit)");
    }
  }

  /**
   * @return the number of qubits
   */
  public int qubits() {
    return qubits;
  }

  /**
   * @return 2^qubits, the number of amplitudes
   */
  public int dimension() {
    return re.length;
  }

  /**
   * @param index basis index
   * @return the real part of that amplitude
   */
  public double re(int index) {
    return re[index];
  }

  /**
   * @param index basis index
   * @return the imaginary part of that amplitude
   */
  public double im(int index) {
    return im[index];
  }

  /**
   * Applies {@code R_axis(angle) = exp(-i·angle·P/2)} to one qubit.
   *
   * @param axis the Pauli axis
   * @param qubit the qubit, 0 to qubits - 1
   * @param angle the angle in radians
   */
  public void rotate(Axis axis, int qubit, double angle) {
    checkQubit(qubit);
    double c = Math.cos(angle / 2);
    double s = Math.sin(angle / 2);
    int bit = 1 << qubit;
    for (int i = 0; i < re.length; i++) {
      if ((i & bit) != 0) {
        continue;
      }
      int j = i | bit;
      double ar = re[i];
      double ai = im[i];
      double br = re[j];
      double bi = im[j];
      switch (axis) {
        case X -> {
          // [[c, -is], [-is, c]]
          re[i] = c * ar + s * bi;
          im[i] = c * ai - s * br;
          re[j] = c * br + s * ai;
          im[j] = c * bi - s * ar;
        }
        case Y -> {
          // [[c, -s], [s, c]]
          re[i] = c * ar - s * br;
          im[i] = c * ai - s * bi;
          re[j] = s * ar + c * br;
          im[j] = s * ai + c * bi;
        }
        case Z -> {
          // diag(e^{-iθ/2}, e^{iθ/2})
          re[i] = c * ar + s * ai;
          im[i] = c * ai - s * ar;
          re[j] = c * br - s * bi;
          im[j] = c * bi + s * br;
        }
      }
    }
  }

  /**
   * Applies {@code R_ZZ(angle) = exp(-i·angle·Z⊗Z/2)} to two qubits: a phase {@code e^{-iθ/2}}
   * where their bits agree and {@code e^{+iθ/2}} where they differ. Its generator has eigenvalues
   * ±1, so the two-term parameter-shift rule is exact for it; at angle 0 it is the identity.
   *
   * @param a one qubit
   * @param b another qubit
   * @param angle the angle in radians
   */
  public void rzz(int a, int b, double angle) {
    checkPair(a, b);
    double c = Math.cos(angle / 2);
    double s = Math.sin(angle / 2);
    for (int i = 0; i < re.length; i++) {
      boolean odd = (((i >> a) ^ (i >> b)) & 1) != 0;
      double sign = odd ? -1 : 1;
      // multiply by c - i·sign·s
      double r = re[i];
      double m = im[i];
      re[i] = c * r + sign * s * m;
      im[i] = c * m - sign * s * r;
    }
  }

  /**
   * Applies a controlled Z: the sign of every amplitude whose two bits are 1 flips. Symmetric in
   * its qubits, and its own inverse.
   *
   * @param a one qubit
   * @param b another qubit
   */
  public void cz(int a, int b) {
    checkPair(a, b);
    int mask = (1 << a) | (1 << b);
    for (int i = 0; i < re.length; i++) {
      if ((i & mask) == mask) {
        re[i] = -re[i];
        im[i] = -im[i];
      }
    }
  }

  /**
   * Applies a controlled NOT: where the control bit is 1, the target bit's amplitudes swap.
   *
   * @param control the control qubit
   * @param target the target qubit
   */
  public void cnot(int control, int target) {
    checkPair(control, target);
    int c = 1 << control;
    int t = 1 << target;
    for (int i = 0; i < re.length; i++) {
      if ((i & c) != 0 && (i & t) == 0) {
        int j = i | t;
        double r = re[i];
        double m = im[i];
        re[i] = re[j];
        im[i] = im[j];
        re[j] = r;
        im[j] = m;
      }
    }
  }

  /**
   * Adds a qubit in |0⟩ as the new highest bit: the state becomes |0⟩ ⊗ ψ, so every existing basis
   * index keeps its amplitude and the new half is zero.
   *
   * @return the new qubit's index
   */
  public int addQubit() {
    checkQubits(qubits + 1);
    re = Arrays.copyOf(re, re.length * 2);
    im = Arrays.copyOf(im, im.length * 2);
    return qubits++;
  }

  /**
   * @return Σ |a_i|², 1 up to rounding
   */
  public double normSquared() {
    double s = 0;
    for (int i = 0; i < re.length; i++) {
      s += re[i] * re[i] + im[i] * im[i];
    }
    return s;
  }

  /**
   * @return the Born probabilities |a_i|² of measuring each basis state
   */
  public double[] probabilities() {
    double[] p = new double[re.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = re[i] * re[i] + im[i] * im[i];
    }
    return p;
  }

  /**
   * @param index basis index
   * @return |a_index|²
   */
  public double probability(int index) {
    return re[index] * re[index] + im[index] * im[index];
  }

  /**
   * Measures every qubit {@code shots} times on copies of this state (the state is not changed):
   * each shot draws a basis index with its Born probability.
   *
   * @param shots number of measurements, at least 1
   * @param random the source of randomness (seed it for repeatable runs)
   * @return counts per basis index, summing to {@code shots}
   */
  public int[] sample(int shots, RandomGenerator random) {
    return sample(probabilities(), shots, random);
  }

  /**
   * Draws {@code shots} outcomes from a distribution (inverse transform on its running sum).
   *
   * @param probabilities outcome probabilities, summing to about 1
   * @param shots number of draws, at least 1
   * @param random the source of randomness
   * @return counts per outcome, summing to {@code shots}
   */
  public static int[] sample(double[] probabilities, int shots, RandomGenerator random) {
    if (shots < 1) {
      throw new IllegalArgumentException("shots: " + shots + ", need at least 1");
    }
    double[] cumulative = new double[probabilities.length];
    double sum = 0;
    for (int i = 0; i < probabilities.length; i++) {
      sum += probabilities[i];
      cumulative[i] = sum;
    }
    int[] counts = new int[probabilities.length];
    for (int s = 0; s < shots; s++) {
      double u = random.nextDouble() * sum;
      int k = Arrays.binarySearch(cumulative, u);
      int idx = k >= 0 ? k + 1 : -k - 1;
      counts[Math.min(idx, counts.length - 1)]++;
    }
    return counts;
  }

  /**
   * @return an independent copy
   */
  public StateVector copy() {
    return new StateVector(qubits, re.clone(), im.clone());
  }

  /**
   * Overwrites this state with another of the same size (no allocation).
   *
   * @param other the state to copy
   */
  public void copyFrom(StateVector other) {
    if (other.re.length != re.length) {
      throw new IllegalArgumentException(
          "copyFrom: " + other.qubits + " qubits into a state of " + qubits);
    }
    System.arraycopy(other.re, 0, re, 0, re.length);
    System.arraycopy(other.im, 0, im, 0, im.length);
  }

  private void checkQubit(int q) {
    if (q < 0 || q >= qubits) {
      throw new IllegalArgumentException(
          "qubit " + q + " outside 0.." + (qubits - 1) + " of this register");
    }
  }

  private void checkPair(int a, int b) {
    checkQubit(a);
    checkQubit(b);
    if (a == b) {
      throw new IllegalArgumentException("a two-qubit gate needs two different qubits, got " + a);
    }
  }

  @Override
  public String toString() {
    return "StateVector[" + qubits + " qubits]";
  }
}
