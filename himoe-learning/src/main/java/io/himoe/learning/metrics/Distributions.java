package io.himoe.learning.metrics;

/** Statistics over discrete distributions and utilisation vectors. */
public final class Distributions {

  /** Floor for empty buckets, so that KL and PSI stay finite. */
  public static final double FLOOR = 1e-6;

  private Distributions() {}

  /**
   * Coefficient of variation {@code σ/μ} (population σ) of a utilisation vector: 0 when perfectly
   * balanced; seed 002 asks for under 0.2.
   *
   * @param values utilisation per expert (counts or shares), not empty
   * @return the coefficient of variation, 0 when the mean is 0
   */
  public static double coefficientOfVariation(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("coefficient of variation of an empty vector");
    }
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    if (mean == 0) {
      return 0;
    }
    double var = 0;
    for (double v : values) {
      var += (v - mean) * (v - mean);
    }
    return Math.sqrt(var / values.length) / mean;
  }

  /**
   * Kullback-Leibler divergence {@code KL(p‖q)} in nats, after normalising both and flooring empty
   * buckets at {@link #FLOOR}.
   *
   * @param p reference distribution (or counts)
   * @param q compared distribution (or counts), same length
   * @return the divergence, &gt;= 0
   */
  public static double kl(double[] p, double[] q) {
    double[] a = normalise(p);
    double[] b = normalise(q);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * Math.log(a[i] / b[i]);
    }
    return Math.max(0, d);
  }

  /**
   * Population stability index {@code Σ (q−p)·ln(q/p)}: under 0.1 stable, 0.1–0.2 moderate, over
   * 0.2 a significant shift.
   *
   * @param p reference distribution (or counts)
   * @param q compared distribution (or counts), same length
   * @return the index, &gt;= 0
   */
  public static double psi(double[] p, double[] q) {
    double[] a = normalise(p);
    double[] b = normalise(q);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (b[i] - a[i]) * Math.log(b[i] / a[i]);
    }
    return s;
  }

  private static double[] normalise(double[] x) {
    double sum = 0;
    for (double v : x) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("distribution entry must be >= 0 and finite, got " + v);
      }
      sum += v;
    }
    double[] out = new double[x.length];
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.max(FLOOR, sum == 0 ? 1.0 / x.length : x[i] / sum);
      total += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= total;
    }
    return out;
  }
}
