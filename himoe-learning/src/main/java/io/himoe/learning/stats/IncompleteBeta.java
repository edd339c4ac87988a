package io.himoe.learning.stats;

/**
 * The regularised incomplete beta function (continued fraction, as in Numerical Recipes §6.4) and
 * the log of the normal distribution function, both in log space so that tails do not underflow.
 */
final class IncompleteBeta {

  private IncompleteBeta() {}

  /**
   * @param x in [0, 1]
   * @param a &gt; 0
   * @param b &gt; 0
   * @return log I_x(a, b)
   */
  static double logRegularized(double x, double a, double b) {
    if (x <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (x >= 1) {
      return 0;
    }
    double logFront = a * Math.log(x) + b * Math.log1p(-x) - LogGamma.logBeta(a, b);
    if (x < (a + 1) / (a + b + 2)) {
      return logFront + Math.log(fraction(x, a, b)) - Math.log(a);
    }
    // I_x(a, b) = 1 - I_{1-x}(b, a): the continued fraction converges on that side.
    double other = Math.exp(logFront + Math.log(fraction(1 - x, b, a)) - Math.log(b));
    return Math.log1p(-Math.min(other, 1.0));
  }

  /** Lentz's method for the continued fraction of I_x(a, b). */
  private static double fraction(double x, double a, double b) {
    final double tiny = 1e-300;
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    d = Math.abs(d) < tiny ? tiny : d;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 10_000; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-15) {
        break;
      }
    }
    return h;
  }

  /**
   * log Φ(z), from the Chebyshev fit of erfc (fractional error under 1.2e-7) kept in log space.
   *
   * @param z any real
   * @return log of the standard normal distribution function at z
   */
  static double logNormalCdf(double z) {
    double x = -z / Math.sqrt(2);
    double t = 1 / (1 + 0.5 * Math.abs(x));
    double poly =
        -1.26551223
            + t
                * (1.00002368
                    + t
                        * (0.37409196
                            + t
                                * (0.09678418
                                    + t
                                        * (-0.18628806
                                            + t
                                                * (0.27886807
                                                    + t
                                                        * (-1.13520398
                                                            + t
                                                                * (1.48851587
                                                                    + t
                                                                        * (-0.82215223
                                                                            + t
                                                                                * 0.17087277))))))));
    double logErfcAbs = Math.log(t) - x * x + poly;
    if (x >= 0) {
      return Math.log(0.5) + logErfcAbs; // Φ(z) = erfc(x)/2, small for z < 0
    }
    return Math.log1p(-0.5 * Math.exp(logErfcAbs)); // Φ(z) = 1 - erfc(|x|)/2
  }
}
