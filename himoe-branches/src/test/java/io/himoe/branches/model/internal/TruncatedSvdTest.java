package io.himoe.branches.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TruncatedSvdTest {

  private static double[][] random(int m, int n, Random r) {
    double[][] a = new double[m][n];
    for (double[] row : a) {
      for (int j = 0; j < n; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return a;
  }

  private static double[][] mul(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int t = 0; t < b.length; t++) {
        for (int j = 0; j < b[0].length; j++) {
          c[i][j] += a[i][t] * b[t][j];
        }
      }
    }
    return c;
  }

  private static double frobeniusDistance(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        s += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
      }
    }
    return Math.sqrt(s);
  }

  /** Columns of a random matrix made orthonormal. */
  private static double[][] orthonormal(int m, int k, Random r) {
    double[][] q = random(m, k, r);
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < j; i++) {
        double dot = 0;
        for (double[] row : q) {
          dot += row[i] * row[j];
        }
        for (double[] row : q) {
          row[j] -= dot * row[i];
        }
      }
      double n = 0;
      for (double[] row : q) {
        n += row[j] * row[j];
      }
      for (double[] row : q) {
        row[j] /= Math.sqrt(n);
      }
    }
    return q;
  }

  @Test
  void aProductOfLowRankIsRecoveredExactly() {
    Random r = new Random(1);
    double[][] l = random(30, 4, r);
    double[][] rt = random(4, 20, r);
    TruncatedSvd.Factors f = TruncatedSvd.ofProduct(l, rt, 4);
    assertThat(frobeniusDistance(mul(f.a(), f.b()), mul(l, rt))).isLessThan(1e-9);
    // duplicated factors (two identical branches stacked) are rank-deficient: still exact
    double[][] stackedL = new double[30][8];
    double[][] stackedR = new double[8][20];
    for (int i = 0; i < 30; i++) {
      for (int j = 0; j < 4; j++) {
        stackedL[i][j] = l[i][j] / 2;
        stackedL[i][j + 4] = l[i][j] / 2;
      }
    }
    for (int j = 0; j < 4; j++) {
      stackedR[j] = rt[j].clone();
      stackedR[j + 4] = rt[j].clone();
    }
    TruncatedSvd.Factors g = TruncatedSvd.ofProduct(stackedL, stackedR, 4);
    assertThat(frobeniusDistance(mul(g.a(), g.b()), mul(l, rt))).isLessThan(1e-9);
  }

  @Test
  void truncationKeepsTheLargestSingularValuesAndItsErrorIsTheRest() {
    Random r = new Random(2);
    double[] s = {9, 5, 3, 1, 0.5};
    double[][] u = orthonormal(12, 5, r);
    double[][] v = orthonormal(8, 5, r);
    double[][] us = new double[12][5];
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 5; j++) {
        us[i][j] = u[i][j] * s[j];
      }
    }
    double[][] vt = new double[5][8];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 5; j++) {
        vt[j][i] = v[i][j];
      }
    }
    double[][] d = mul(us, vt);
    TruncatedSvd.Factors f = TruncatedSvd.of(d, 2);
    for (int j = 0; j < 5; j++) {
      assertThat(f.singular()[j]).isCloseTo(s[j], within(1e-9));
    }
    // Eckart-Young: the rank-2 error is sqrt(3² + 1² + 0.5²)
    assertThat(frobeniusDistance(mul(f.a(), f.b()), d))
        .isCloseTo(Math.sqrt(9 + 1 + 0.25), within(1e-9));
  }
}
