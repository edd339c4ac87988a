package io.himoe.learning.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TemperatureTest {

  @Test
  void recoversTheTemperatureThatGeneratedTheLabels() {
    // Labels drawn from softmax(z / 2.5): the likelihood is highest near T = 2.5.
    Random rnd = new Random(7);
    int n = 4000;
    double[][] z = new double[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      z[i] = new double[] {rnd.nextGaussian() * 4, rnd.nextGaussian() * 4, rnd.nextGaussian() * 4};
      double[] p = new double[3];
      double sum = 0;
      for (int k = 0; k < 3; k++) {
        p[k] = Math.exp(z[i][k] / 2.5);
        sum += p[k];
      }
      double u = rnd.nextDouble() * sum;
      y[i] = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
    }
    Temperature.Rows rows = new Temperature.Rows(z, y);
    double t = Temperature.fit(rows);
    assertThat(t).isCloseTo(2.5, within(0.25));
    assertThat(Temperature.nll(rows, t)).isLessThan(Temperature.nll(rows, 1));
    assertThat(Temperature.nll(rows, t)).isLessThanOrEqualTo(Temperature.nll(rows, t * 1.1));
  }

  @Test
  void overconfidentRightAnswersWantAColderSoftmaxAndNoRowsMeanOne() {
    double[][] z = {{1, 0}, {0, 1}, {1, 0}};
    int[] y = {0, 1, 0};
    // The likelihood only rises as T falls: the fit ends at the cold end, where it goes flat.
    assertThat(Temperature.fit(new Temperature.Rows(z, y))).isLessThan(0.05);
    assertThat(Temperature.fit(new Temperature.Rows(new double[0][], new int[0]))).isEqualTo(1);
  }
}
