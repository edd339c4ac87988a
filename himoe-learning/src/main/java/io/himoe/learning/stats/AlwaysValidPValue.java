package io.himoe.learning.stats;

/**
 * An always-valid p-value (Johari, Pekelis and Walsh, 2017): the running minimum of {@code 1/Λ_n},
 * where {@code Λ_n} is a mixture likelihood ratio of the data against the null hypothesis. By
 * Ville's inequality the chance that it ever drops to α under the null is at most α, so it can be
 * looked at after every observation and a decision taken the first time it is under α, without the
 * inflation of false positives that repeated looks at a fixed-sample test cause. Thread-safe.
 */
public final class AlwaysValidPValue {

  private double p = 1;

  /**
   * Log of the mixture likelihood ratio for "wins happen with probability 1/2" against a uniform
   * prior on that probability, after {@code wins} and {@code losses} (ties left out): {@code
   * log(B(W+1, L+1)·2^(W+L))}. Counts may be fractional.
   *
   * @param wins wins, &gt;= 0
   * @param losses losses, &gt;= 0
   * @return log Λ
   */
  public static double bernoulliLogRatio(double wins, double losses) {
    return LogGamma.logBeta(wins + 1, losses + 1) + (wins + losses) * Math.log(2);
  }

  /**
   * One-sided version of {@link #bernoulliLogRatio}: "wins happen with probability at most 1/2"
   * against a uniform prior on (1/2, 1]: {@code log(2^(n+1)·B(W+1, L+1)·I_{1/2}(L+1, W+1))}, with
   * {@code I} the regularised incomplete beta function. Under any win probability up to 1/2 it is a
   * supermartingale, so a p-value from it supports "the shadow wins more often than it loses" and
   * nothing else — an early run of losses gives it no evidence.
   *
   * @param wins wins, &gt;= 0
   * @param losses losses, &gt;= 0
   * @return log Λ
   */
  public static double winsOverHalfLogRatio(double wins, double losses) {
    double n = wins + losses;
    return (n + 1) * Math.log(2)
        + LogGamma.logBeta(wins + 1, losses + 1)
        + IncompleteBeta.logRegularized(0.5, losses + 1, wins + 1);
  }

  /**
   * One-sided mSPRT: "the difference of two means is at most 0" against the normal mixture {@code
   * N(0, τ²)} restricted to positive differences: {@code log Λ = log 2 + ½·log(V/(V+τ²)) +
   * τ²·Δ²/(2V(V+τ²)) + log Φ(Δτ/√(V(V+τ²)))}. Negate the difference for "at least 0".
   *
   * @param difference the observed difference of the means
   * @param variance the variance of that difference, &gt; 0
   * @param tau2 the mixture variance τ², &gt; 0
   * @return log Λ (0 when the variance is not positive yet)
   */
  public static double meanDifferenceAboveZeroLogRatio(
      double difference, double variance, double tau2) {
    if (!(variance > 0) || !(tau2 > 0)) {
      return 0;
    }
    double v = variance;
    double z = difference * Math.sqrt(tau2) / Math.sqrt(v * (v + tau2));
    return Math.log(2)
        + 0.5 * Math.log(v / (v + tau2))
        + tau2 * difference * difference / (2 * v * (v + tau2))
        + IncompleteBeta.logNormalCdf(z);
  }

  /**
   * Log of the mixture likelihood ratio (mSPRT) for "the difference of two means is 0" against a
   * normal mixture {@code N(0, τ²)} of alternatives, given the observed difference and its
   * variance: {@code log Λ = ½·log(V/(V+τ²)) + τ²·Δ²/(2V(V+τ²))}.
   *
   * @param difference the observed difference of the means
   * @param variance the variance of that difference (e.g. {@code s₁²/n₁ + s₂²/n₂}), &gt; 0
   * @param tau2 the mixture variance τ², &gt; 0, of the order of the squared effect worth finding
   * @return log Λ (0 when the variance is not positive yet)
   */
  public static double meanDifferenceLogRatio(double difference, double variance, double tau2) {
    if (!(variance > 0) || !(tau2 > 0)) {
      return 0;
    }
    double v = variance;
    return 0.5 * Math.log(v / (v + tau2)) + tau2 * difference * difference / (2 * v * (v + tau2));
  }

  /**
   * Takes the latest log likelihood ratio into account.
   *
   * @param logRatio log Λ_n after the newest observation
   * @return the p-value now
   */
  public synchronized double observe(double logRatio) {
    if (Double.isFinite(logRatio) || logRatio == Double.POSITIVE_INFINITY) {
      p = Math.min(p, Math.min(1, Math.exp(-logRatio)));
    }
    return p;
  }

  /**
   * @return the p-value now (1 before any evidence)
   */
  public synchronized double value() {
    return p;
  }

  /** Starts again (a new experiment, a reset comparison). */
  public synchronized void reset() {
    p = 1;
  }
}
