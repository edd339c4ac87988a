package io.himoe.quantum.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantumGateTest {

  private static final float[] X = {0.5f, -0.25f};

  private static QuantumGate gate(double extendScale) {
    return QuantumGate.create(
        QuantumGateConfig.of(2).withExtendScale(extendScale), new SplittableRandom(11));
  }

  @Test
  void branchesAreBasisStatesAndTheRegisterGrowsWhenFull() {
    QuantumGate g = gate(0.1);
    assertThat(g.branches()).isEqualTo(1);
    assertThat(g.circuit().qubits()).isEqualTo(1);
    assertThat(g.addBranch()).isEqualTo(1);
    assertThat(g.circuit().qubits()).isEqualTo(1);
    assertThat(g.addBranch()).isEqualTo(2);
    assertThat(g.circuit().qubits()).isEqualTo(2);
    assertThat(g.circuit().blocks()).isEqualTo(2);
    g.addBranch();
    assertThat(g.circuit().qubits()).isEqualTo(2);
    g.addBranch();
    assertThat(g.circuit().qubits()).isEqualTo(3);
    double[] d = g.distribution(X);
    assertThat(d).hasSize(5);
    assertThat(java.util.Arrays.stream(d).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void anExactIdentityExtensionLeavesEveryRouteAsItWas() {
    QuantumGate g = gate(0);
    g.addBranch();
    g.addBranch();
    double[] before = g.probabilities(X);
    g.extend();
    g.addBranch(); // fills the fourth basis state: no qubit
    g.addBranch(); // adds a qubit and a block
    double[] after = g.probabilities(X);
    for (int i = 0; i < before.length; i++) {
      assertThat(after[i]).isEqualTo(before[i]);
    }
    // only the last block trains
    int trainable = 0;
    for (boolean t : g.trainable()) {
      trainable += t ? 1 : 0;
    }
    assertThat(trainable).isEqualTo(g.circuit().trainableCount()).isLessThan(g.parameterCount());
  }

  @Test
  void theDefaultExtensionMovesOldProbabilitiesOnlySlightly() {
    QuantumGate g = gate(0.1);
    g.addBranch();
    double[] before = g.probabilities(X);
    g.extend();
    double[] after = g.probabilities(X);
    for (int i = 0; i < before.length; i++) {
      assertThat(after[i]).isCloseTo(before[i], within(0.05));
    }
  }

  @Test
  void measurementIsSeededAndCountsShotsOutsideTheBranches() {
    QuantumGate g = gate(0.1);
    g.addBranch();
    g.addBranch(); // 3 live branches on 2 qubits: basis state 3 is no branch
    Route a = g.route(X, Selection.shots(500), new SplittableRandom(4));
    Route b = g.route(X, Selection.shots(500), new SplittableRandom(4));
    assertThat(a).isEqualTo(b);
    assertThat(a.shots()).isEqualTo(500);
    double dead = g.probabilities(X)[3];
    assertThat(a.discardedShots() / 500.0).isCloseTo(dead, within(0.07));
    // many shots agree with the exact argmax over the live branches
    Route exact = g.route(X, Selection.expectation(), new SplittableRandom(4));
    Route many = g.route(X, Selection.shots(20_000), new SplittableRandom(4));
    assertThat(many.branch()).isEqualTo(exact.branch());
    assertThat(exact.shots()).isZero();
  }

  @Test
  void noiseMixesTowardsUniformAndFlipsReadOuts() {
    double[] p = {1, 0, 0, 0};
    assertThat(Noise.none().apply(p, 2)).containsExactly(p);
    assertThat(new Noise(0.4, 0).apply(p, 2)).containsExactly(0.7, 0.1, 0.1, 0.1);
    // each bit flips with 0.1: P(00)=0.81, P(01)=P(10)=0.09, P(11)=0.01
    assertThat(new Noise(0, 0.1).apply(p, 2))
        .containsExactly(new double[] {0.81, 0.09, 0.09, 0.01}, within(1e-12));
    assertThatThrownBy(() -> new Noise(1.5, 0)).hasMessageContaining("depolarizing: 1.5");
    assertThatThrownBy(() -> new Noise(0, 0.6)).hasMessageContaining("readout flip: 0.6");
  }

  @Test
  void aDeadBranchCannotBeTrainedTowards() {
    QuantumGate g = gate(0.1);
    assertThatThrownBy(() -> g.accumulateGradient(X, 1, 1, new double[g.parameterCount()]))
        .hasMessageContaining("branch 1 is not live");
  }
}
