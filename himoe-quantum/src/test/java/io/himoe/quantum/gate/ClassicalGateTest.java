package io.himoe.quantum.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassicalGateTest {

  @Test
  void backpropagationMatchesFiniteDifferences() {
    ClassicalGate g = ClassicalGate.create(4, 6, new SplittableRandom(2));
    g.addBranch();
    g.addBranch();
    float[] x = {0.4f, -0.9f, 1.3f, 0.2f};
    double[] grad = new double[g.parameterCount()];
    g.accumulateGradient(x, 2, 1.0, grad);
    double[] p = g.parameters();
    double h = 1e-6;
    for (int k = 0; k < p.length; k++) {
      double[] up = p.clone();
      up[k] += h;
      g.setParameters(up);
      double lu = -Math.log(g.distribution(x)[2]);
      double[] down = p.clone();
      down[k] -= h;
      g.setParameters(down);
      double ld = -Math.log(g.distribution(x)[2]);
      g.setParameters(p);
      assertThat(grad[k]).as("parameter %d", k).isCloseTo((lu - ld) / (2 * h), within(1e-6));
    }
  }

  @Test
  void aNewBranchGetsItsOwnOutputRow() {
    ClassicalGate g = ClassicalGate.create(3, 5, new SplittableRandom(2));
    int before = g.parameterCount();
    assertThat(g.addBranch()).isEqualTo(1);
    assertThat(g.parameterCount()).isEqualTo(before + 6);
    assertThat(g.distribution(new float[] {1, 2, 3})).hasSize(2);
    assertThat(g.canExtend()).isFalse();
  }
}
