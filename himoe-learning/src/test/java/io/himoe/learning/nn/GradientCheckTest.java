package io.himoe.learning.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-written gradients against central finite differences. */
class GradientCheckTest {

  private static final double[] F = {0.5, 0.1, 0.3, 0.1};

  /** The full gate loss of one request: every term, with non-trivial weights. */
  private static double loss(double[] logits, double[] d) {
    double[] p = Losses.softmax(logits);
    double l = Losses.crossEntropy(p, 2, 1.0, d);
    l += 0.7 * Losses.policyGradient(p, 1, 0.4, 0.7, d);
    l += 0.3 * Losses.towardsUniform(p, 0.3, d);
    l += -0.2 * Losses.entropy(p, -0.2, d);
    l += 0.5 * Losses.loadBalance(p, F, 0.5, d);
    return l;
  }

  @Test
  void lossGradientsMatchFiniteDifferences() {
    double[] z = {0.3, -1.2, 0.8, 0.05};
    double[] d = new double[4];
    loss(z, d);
    for (int j = 0; j < z.length; j++) {
      double num = numeric(z, j, zz -> loss(zz, new double[4]));
      assertThat(d[j]).as("dL/dz[%d]", j).isCloseTo(num, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5})
  void networkGradientsMatchFiniteDifferences(int hidden) {
    Mlp net = Mlp.create(6, hidden, 4, 9);
    Random rnd = new Random(1);
    float[] x = new float[6];
    for (int i = 0; i < x.length; i++) {
      x[i] = i == 3 ? 0f : (float) rnd.nextGaussian();
    }
    double[] grad = new double[net.parameterCount()];
    Mlp.Pass pass = net.forward(x);
    double[] d = new double[4];
    loss(pass.logits(), d);
    net.backward(pass, d, grad);
    double[] params = net.parametersView();
    for (int i = 0; i < params.length; i++) {
      double num =
          numeric(
              params, i, pp -> loss(Mlp.of(6, hidden, 4, pp).forward(x).logits(), new double[4]));
      assertThat(grad[i])
          .as("param %d", i)
          .isCloseTo(num, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void smoothedCrossEntropyGradientMatchesFiniteDifferencesAndReducesToPlain() {
    double[] z = {0.3, -1.2, 0.8, 0.05};
    double[] d = new double[4];
    Losses.smoothedCrossEntropy(Losses.softmax(z), 2, 0.1, 1, d);
    for (int j = 0; j < z.length; j++) {
      double num =
          numeric(
              z,
              j,
              zz -> Losses.smoothedCrossEntropy(Losses.softmax(zz), 2, 0.1, 1, new double[4]));
      assertThat(d[j]).isCloseTo(num, org.assertj.core.data.Offset.offset(1e-6));
    }
    double[] plain = new double[4];
    double[] zero = new double[4];
    double[] p = Losses.softmax(z);
    assertThat(Losses.smoothedCrossEntropy(p, 1, 0, 1, zero))
        .isEqualTo(Losses.crossEntropy(p, 1, 1, plain));
    assertThat(zero).containsExactly(plain);
  }

  @Test
  void dropoutGradientsMatchFiniteDifferencesUnderTheSameMask() {
    Mlp net = Mlp.create(6, 8, 4, 9);
    float[] x = {0.5f, -1f, 0.2f, 0f, 1.5f, -0.3f};
    Mlp.Pass pass = net.forward(x, 0.5, new Random(3));
    double[] scale = pass.dropScale();
    assertThat(scale).contains(0.0).contains(2.0).hasSize(8);
    double[] grad = new double[net.parameterCount()];
    double[] d = new double[4];
    loss(pass.logits(), d);
    net.backward(pass, d, grad);
    double[] params = net.parametersView();
    for (int i = 0; i < params.length; i++) {
      double num =
          numeric(
              params,
              i,
              pp ->
                  loss(Mlp.of(6, 8, 4, pp).forward(x, 0.5, new Random(3)).logits(), new double[4]));
      assertThat(grad[i])
          .as("param %d", i)
          .isCloseTo(num, org.assertj.core.data.Offset.offset(1e-6));
    }
    // Without dropout the training pass is the inference pass.
    assertThat(net.forward(x, 0, null).logits()).containsExactly(net.forward(x).logits());
  }

  @Test
  void scalingTheOutputLayerScalesTheLogits() {
    float[] x = {0.5f, -1f, 0.2f, 0f, 1.5f, -0.3f};
    for (int hidden : new int[] {0, 5}) {
      Mlp net = Mlp.create(6, hidden, 4, 9);
      double[] z = net.forward(x).logits();
      double[] half = net.withOutputScaled(0.5).forward(x).logits();
      for (int k = 0; k < 4; k++) {
        assertThat(half[k]).isCloseTo(z[k] / 2, org.assertj.core.data.Offset.offset(1e-12));
      }
    }
  }

  @Test
  void adamReducesAQuadratic() {
    double[] w = {3, -2};
    Adam adam = Adam.of(2, 0.1, 0);
    for (int i = 0; i < 300; i++) {
      adam.step(w, new double[] {2 * w[0], 2 * w[1]});
    }
    assertThat(Math.abs(w[0]) + Math.abs(w[1])).isLessThan(0.05);
    Adam copy = Adam.of(2, 0.1, 0);
    copy.restore(adam.state());
    assertThat(copy).isEqualTo(adam);
  }

  @Test
  void lazyAdamMatchesAdamOnActiveRowsAndLeavesOthers() {
    double[] a = {1, 2, 3, 4, 5, 6, 7};
    double[] b = a.clone();
    double[] g = {0.1, -0.2, 0, 0, 0.3, 0.4, -0.5};
    Adam dense = Adam.of(7, 0.1, 0.01);
    Adam lazy = Adam.of(7, 0.1, 0.01);
    dense.step(a, g);
    java.util.BitSet active = new java.util.BitSet();
    active.set(0);
    active.set(2);
    // Blocks of 2 over [0, 6): features 0 and 2 active; the tail [6, 7) is dense.
    lazy.stepSparse(b, g, active, 2, 6);
    for (int i : new int[] {0, 1, 4, 5, 6}) {
      assertThat(b[i]).isEqualTo(a[i]);
    }
    assertThat(b[2]).isEqualTo(3);
    assertThat(b[3]).isEqualTo(4);
  }

  private static double numeric(double[] at, int i, ToDoubleFunction<double[]> f) {
    double h = 1e-5;
    double[] a = at.clone();
    double[] b = at.clone();
    a[i] += h;
    b[i] -= h;
    return (f.applyAsDouble(a) - f.applyAsDouble(b)) / (2 * h);
  }
}
