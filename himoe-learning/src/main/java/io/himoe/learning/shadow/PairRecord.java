package io.himoe.learning.shadow;

import io.himoe.learning.stats.ConfidenceInterval;

/**
 * How a shadow router fares against a primary so far.
 *
 * @param primary the primary router
 * @param shadow the shadow router
 * @param comparisons comparisons scored
 * @param shadowWins comparisons the shadow won
 * @param primaryWins comparisons the primary won
 * @param ties comparisons neither won
 * @param winRate the shadow's share of the decisive comparisons (0.5 before any)
 * @param winRate95 the 95% Wilson interval of that share
 * @param pValue one-sided always-valid p-value of "the shadow wins at most as often as it loses" (1
 *     before any evidence); it may be checked after every comparison
 */
public record PairRecord(
    String primary,
    String shadow,
    long comparisons,
    long shadowWins,
    long primaryWins,
    long ties,
    double winRate,
    ConfidenceInterval winRate95,
    double pValue) {

  /**
   * @return comparisons that were not ties
   */
  public long decisive() {
    return shadowWins + primaryWins;
  }

  /**
   * @param alpha the significance level, in (0, 1)
   * @param minDecisive decisive comparisons needed first
   * @return whether the shadow wins significantly more often than it loses
   */
  public boolean shadowSignificantlyBetter(double alpha, long minDecisive) {
    return decisive() >= minDecisive && shadowWins > primaryWins && pValue <= alpha;
  }
}
