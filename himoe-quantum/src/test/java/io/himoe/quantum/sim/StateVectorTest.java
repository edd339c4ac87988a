package io.himoe.quantum.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class StateVectorTest {

  private static final double EPS = 1e-12;

  /** The matrix of a gate, column k = the gate applied to |k⟩: re and im parts. */
  private static double[][][] matrix(int qubits, Consumer<StateVector> gate) {
    int dim = 1 << qubits;
    double[][][] m = new double[2][dim][dim];
    for (int k = 0; k < dim; k++) {
      StateVector s = StateVector.basis(qubits, k);
      gate.accept(s);
      for (int i = 0; i < dim; i++) {
        m[0][i][k] = s.re(i);
        m[1][i][k] = s.im(i);
      }
    }
    return m;
  }

  /** U†U = I, entry by entry. */
  private static void assertUnitary(int qubits, Consumer<StateVector> gate) {
    double[][][] u = matrix(qubits, gate);
    int dim = 1 << qubits;
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < dim; b++) {
        double re = 0;
        double im = 0;
        for (int i = 0; i < dim; i++) {
          // conj(u[i][a]) * u[i][b]
          re += u[0][i][a] * u[0][i][b] + u[1][i][a] * u[1][i][b];
          im += u[0][i][a] * u[1][i][b] - u[1][i][a] * u[0][i][b];
        }
        assertThat(re).as("(U†U)[%d][%d] re", a, b).isCloseTo(a == b ? 1 : 0, within(EPS));
        assertThat(im).as("(U†U)[%d][%d] im", a, b).isCloseTo(0, within(EPS));
      }
    }
  }

  @Test
  void everyGateIsUnitary() {
    for (Axis axis : Axis.values()) {
      for (double angle : new double[] {0, 0.3, -1.7, Math.PI, 5.1}) {
        assertUnitary(3, s -> s.rotate(axis, 1, angle));
      }
    }
    assertUnitary(3, s -> s.rzz(0, 2, 0.77));
    assertUnitary(3, s -> s.cz(2, 0));
    assertUnitary(3, s -> s.cnot(1, 2));
  }

  @Test
  void aLongRandomCircuitKeepsTheNormAtOne() {
    SplittableRandom r = new SplittableRandom(3);
    StateVector s = StateVector.zero(5);
    for (int g = 0; g < 2_000; g++) {
      int a = r.nextInt(5);
      int b = (a + 1 + r.nextInt(4)) % 5;
      switch (r.nextInt(4)) {
        case 0 -> s.rotate(Axis.values()[r.nextInt(3)], a, r.nextDouble(-7, 7));
        case 1 -> s.rzz(a, b, r.nextDouble(-7, 7));
        case 2 -> s.cz(a, b);
        default -> s.cnot(a, b);
      }
    }
    assertThat(s.normSquared()).isCloseTo(1, within(1e-12));
    double sum = 0;
    for (double p : s.probabilities()) {
      sum += p;
    }
    assertThat(sum).isCloseTo(1, within(1e-12));
  }

  @Test
  void rotationsMatchTheirTextbookActions() {
    StateVector s = StateVector.zero(1);
    s.rotate(Axis.Y, 0, Math.PI);
    assertThat(s.probability(1)).isCloseTo(1, within(EPS));
    assertThat(s.re(1)).isCloseTo(1, within(EPS));

    StateVector x = StateVector.zero(1);
    x.rotate(Axis.X, 0, Math.PI);
    // R_X(π)|0⟩ = -i|1⟩
    assertThat(x.im(1)).isCloseTo(-1, within(EPS));

    StateVector h = StateVector.zero(1);
    h.rotate(Axis.Y, 0, Math.PI / 2);
    assertThat(h.probabilities()).containsExactly(new double[] {0.5, 0.5}, within(EPS));
    // R_Z only changes phases
    h.rotate(Axis.Z, 0, 1.234);
    assertThat(h.probabilities()).containsExactly(new double[] {0.5, 0.5}, within(EPS));
  }

  @Test
  void rotationsCompose() {
    for (Axis axis : Axis.values()) {
      StateVector a = StateVector.basis(2, 1);
      a.rotate(Axis.Y, 1, 0.4);
      StateVector b = a.copy();
      a.rotate(axis, 0, 0.3);
      a.rotate(axis, 0, 0.9);
      b.rotate(axis, 0, 1.2);
      for (int i = 0; i < 4; i++) {
        assertThat(a.re(i)).isCloseTo(b.re(i), within(EPS));
        assertThat(a.im(i)).isCloseTo(b.im(i), within(EPS));
      }
    }
  }

  @Test
  void rzzEqualsCnotRzCnot() {
    // exp(-iθ Z⊗Z/2) = CNOT(a,b) · R_Z(θ) on b · CNOT(a,b)
    double theta = 0.913;
    double[][][] direct = matrix(3, s -> s.rzz(0, 2, theta));
    double[][][] composed =
        matrix(
            3,
            s -> {
              s.cnot(0, 2);
              s.rotate(Axis.Z, 2, theta);
              s.cnot(0, 2);
            });
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < 8; i++) {
        assertThat(direct[p][i]).containsExactly(composed[p][i], within(EPS));
      }
    }
  }

  @Test
  void cnotFlipsTheTargetWhereTheControlIsSet() {
    // basis index bit q is qubit q: |control=1, target=0⟩ = index 1 for (control 0, target 1)
    StateVector s = StateVector.basis(2, 1);
    s.cnot(0, 1);
    assertThat(s.probability(3)).isEqualTo(1);
    StateVector t = StateVector.basis(2, 2);
    t.cnot(0, 1);
    assertThat(t.probability(2)).isEqualTo(1);
  }

  @Test
  void addingAQubitKeepsEveryProbabilityAndIndex() {
    StateVector s = StateVector.zero(2);
    s.rotate(Axis.Y, 0, 1.1);
    s.rotate(Axis.X, 1, 0.4);
    s.rzz(0, 1, 0.7);
    double[] before = s.probabilities();
    assertThat(s.addQubit()).isEqualTo(2);
    assertThat(s.dimension()).isEqualTo(8);
    double[] after = s.probabilities();
    for (int i = 0; i < 4; i++) {
      assertThat(after[i]).isEqualTo(before[i]);
      assertThat(after[i + 4]).isZero();
    }
  }

  @Test
  void samplingIsSeededAndFollowsTheBornRule() {
    StateVector s = StateVector.zero(2);
    s.rotate(Axis.Y, 0, 2 * Math.asin(Math.sqrt(0.3))); // P(qubit 0 = 1) = 0.3
    int[] a = s.sample(20_000, new SplittableRandom(5));
    int[] b = s.sample(20_000, new SplittableRandom(5));
    assertThat(a).containsExactly(b);
    assertThat(a[0] + a[1] + a[2] + a[3]).isEqualTo(20_000);
    assertThat(a[1] / 20_000.0).isCloseTo(0.3, within(0.015));
    assertThat(a[2] + a[3]).isZero();
  }

  @Test
  void badArgumentsAreRefusedWithTheirValue() {
    assertThatThrownBy(() -> StateVector.zero(0)).hasMessageContaining("qubits: 0");
    assertThatThrownBy(() -> StateVector.zero(21)).hasMessageContaining("qubits: 21");
    assertThatThrownBy(() -> StateVector.basis(2, 4)).hasMessageContaining("basis index 4");
    StateVector s = StateVector.zero(2);
    assertThatThrownBy(() -> s.rotate(Axis.X, 2, 0)).hasMessageContaining("qubit 2 outside 0..1");
    assertThatThrownBy(() -> s.cz(1, 1)).hasMessageContaining("two different qubits");
    assertThatThrownBy(() -> s.sample(0, new SplittableRandom(1))).hasMessageContaining("shots: 0");
    assertThatThrownBy(() -> StateVector.of(new double[3], new double[3]))
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> StateVector.of(new double[2], new double[2]))
        .hasMessageContaining("norm is 0");
  }

  @Test
  void ofNormalises() {
    StateVector s = StateVector.of(new double[] {3, 0}, new double[] {0, 4});
    assertThat(s.probabilities()).containsExactly(new double[] {0.36, 0.64}, within(EPS));
  }
}
