package io.himoe.quantum.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CircuitTest {

  private static final float[] X = {0.3f, -1.2f, 0.8f};

  private static Circuit circuit(int qubits, int layers) {
    Circuit c = Circuit.empty(qubits, 3);
    c.appendBlock(layers, 1.0, new SplittableRandom(7));
    return c;
  }

  private static double loss(Circuit c, int target) {
    return -Math.log(c.probabilities(X)[target]);
  }

  @Test
  void parameterShiftGradientsMatchFiniteDifferences() {
    for (int qubits = 1; qubits <= 3; qubits++) {
      Circuit c = circuit(qubits, 2);
      int target = (1 << qubits) - 1;
      double[] g = new double[c.parameterCount()];
      double l = c.accumulateGradient(X, target, 1.0, g);
      assertThat(l).isCloseTo(loss(c, target), within(1e-12));
      double[] p = c.parameters();
      double h = 1e-5;
      for (int k = 0; k < p.length; k++) {
        double[] up = p.clone();
        up[k] += h;
        double[] down = p.clone();
        down[k] -= h;
        c.setParameters(up);
        double lu = loss(c, target);
        c.setParameters(down);
        double ld = loss(c, target);
        c.setParameters(p);
        assertThat(g[k])
            .as("∂loss/∂θ[%d] on %d qubits", k, qubits)
            .isCloseTo((lu - ld) / (2 * h), within(1e-6));
      }
    }
  }

  @Test
  void theGradientIsWeightedAndAccumulated() {
    Circuit c = circuit(2, 1);
    double[] once = new double[c.parameterCount()];
    c.accumulateGradient(X, 1, 1.0, once);
    double[] twice = new double[c.parameterCount()];
    c.accumulateGradient(X, 1, 0.25, twice);
    c.accumulateGradient(X, 1, 0.75, twice);
    assertThat(twice).containsExactly(once, within(1e-12));
  }

  @Test
  void frozenSlotsGetNoGradientAndCostNoRuns() {
    Circuit c = circuit(2, 1);
    int gatesBefore = c.ops().size();
    c.freezeAll();
    c.appendBlock(1, 0.5, new SplittableRandom(1));
    int newGates = c.ops().size() - gatesBefore;
    boolean[] trainable = c.trainable();
    double[] g = new double[c.parameterCount()];
    long runs = c.executions();
    c.accumulateGradient(X, 2, 1.0, g);
    // one forward run, then two shifted runs per trainable gate
    assertThat(c.executions() - runs).isEqualTo(1 + 2L * newGates);
    int nonZero = 0;
    for (int k = 0; k < g.length; k++) {
      if (!trainable[k]) {
        assertThat(g[k]).isZero();
      } else if (g[k] != 0) {
        nonZero++;
      }
    }
    assertThat(nonZero).isPositive();
    assertThat(c.trainableCount()).isEqualTo(c.parameterCount() - countFrozen(trainable));
  }

  private static int countFrozen(boolean[] t) {
    int n = 0;
    for (boolean b : t) {
      n += b ? 0 : 1;
    }
    return n;
  }

  @Test
  void anIdentityBlockOrANewQubitChangesNoProbability() {
    Circuit c = circuit(2, 2);
    double[] before = c.probabilities(X);
    c.appendBlock(2, 0, new SplittableRandom(1));
    assertThat(c.probabilities(X)).containsExactly(before);
    c.addQubit();
    double[] grown = c.probabilities(X);
    for (int i = 0; i < 4; i++) {
      assertThat(grown[i]).isEqualTo(before[i]);
      assertThat(grown[i + 4]).isZero();
    }
  }

  @Test
  void blocksRingTheirQubits() {
    Circuit one = Circuit.empty(1, 1);
    one.appendBlock(1, 0, new SplittableRandom(1));
    assertThat(one.ops()).hasSize(2);
    Circuit three = Circuit.empty(3, 1);
    three.appendBlock(1, 0, new SplittableRandom(1));
    assertThat(three.ops())
        .filteredOn(op -> op instanceof Op.ZzRotation)
        .extracting(op -> ((Op.ZzRotation) op).a() + "-" + ((Op.ZzRotation) op).b())
        .containsExactly("0-1", "1-2", "2-0");
    // per qubit: R_Y (1 bias + 1 weight) and R_Z (1); per pair: R_ZZ (1)
    assertThat(three.parameterCount()).isEqualTo(3 * 3 + 3);
  }

  @Test
  void badInputsAreRefused() {
    Circuit c = circuit(2, 1);
    assertThatThrownBy(() -> c.run(new float[2])).hasMessageContaining("input has 2 features");
    assertThatThrownBy(() -> c.setParameters(new double[1])).hasMessageContaining("1 parameters");
    assertThatThrownBy(() -> c.accumulateGradient(X, 0, 1, new double[1]))
        .hasMessageContaining("gradient has 1 entries");
    assertThatThrownBy(() -> c.appendBlock(0, 1, new SplittableRandom(1)))
        .hasMessageContaining("layers: 0");
    assertThatThrownBy(() -> Circuit.empty(2, 0)).hasMessageContaining("inputs: 0");
  }
}
