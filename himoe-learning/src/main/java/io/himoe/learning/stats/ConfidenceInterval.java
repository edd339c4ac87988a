package io.himoe.learning.stats;

/**
 * A two-sided confidence interval.
 *
 * @param low lower bound
 * @param high upper bound
 */
public record ConfidenceInterval(double low, double high) {

  /** z of a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  /**
   * The Wilson score interval of a proportion (good at small counts and near 0 or 1, unlike the
   * normal approximation); successes may be fractional (rewards in [0, 1] summed).
   *
   * @param successes successes, in [0, trials]
   * @param trials trials, &gt;= 0
   * @param z the normal quantile (e.g. {@link #Z95})
   * @return the interval, [0, 1] when there are no trials
   */
  public static ConfidenceInterval wilson(double successes, double trials, double z) {
    if (!(trials > 0)) {
      return new ConfidenceInterval(0, 1);
    }
    double p = Math.clamp(successes / trials, 0.0, 1.0);
    double z2 = z * z;
    double denom = 1 + z2 / trials;
    double centre = (p + z2 / (2 * trials)) / denom;
    double half = z * Math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denom;
    return new ConfidenceInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * The normal-approximation interval of a mean.
   *
   * @param mean the sample mean
   * @param variance the sample variance
   * @param n the sample size, &gt;= 1
   * @param z the normal quantile
   * @return the interval
   */
  public static ConfidenceInterval ofMean(double mean, double variance, long n, double z) {
    if (n < 1) {
      return new ConfidenceInterval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
    double half = z * Math.sqrt(Math.max(0, variance) / n);
    return new ConfidenceInterval(mean - half, mean + half);
  }
}
