package io.himoe.learning.fit;

/**
 * Temperature scaling (Guo et al. 2017): the one scalar {@code T} that minimises the negative
 * log-likelihood of held-out labels under {@code softmax(z / T)}. It leaves every argmax as it is
 * and only makes the confidences honest, which the rejection threshold then reads.
 */
final class Temperature {

  /** Search range of {@code T}. */
  static final double MIN = 0.02;

  static final double MAX = 50;

  /**
   * Held-out rows.
   *
   * @param logits one logit vector per row
   * @param labels each row's class index
   */
  record Rows(double[][] logits, int[] labels) {}

  private Temperature() {}

  /**
   * @param rows held-out logits and labels
   * @return the likelihood-maximising temperature in [{@value #MIN}, {@value #MAX}]; 1 with no rows
   */
  static double fit(Rows rows) {
    if (rows.labels().length == 0) {
      return 1;
    }
    // NLL(T) is convex in 1/T; a golden-section search over log T finds it to 1e-4.
    double lo = Math.log(MIN);
    double hi = Math.log(MAX);
    double g = (Math.sqrt(5) - 1) / 2;
    double a = hi - g * (hi - lo);
    double b = lo + g * (hi - lo);
    double fa = nll(rows, Math.exp(a));
    double fb = nll(rows, Math.exp(b));
    while (hi - lo > 1e-4) {
      if (fa < fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - g * (hi - lo);
        fa = nll(rows, Math.exp(a));
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + g * (hi - lo);
        fb = nll(rows, Math.exp(b));
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /**
   * @return the mean negative log-likelihood of the labels under {@code softmax(z / t)}
   */
  static double nll(Rows rows, double t) {
    double total = 0;
    for (int i = 0; i < rows.labels().length; i++) {
      double[] z = rows.logits()[i];
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v / t);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v / t - max);
      }
      total += max + Math.log(sum) - z[rows.labels()[i]] / t;
    }
    return total / rows.labels().length;
  }
}
