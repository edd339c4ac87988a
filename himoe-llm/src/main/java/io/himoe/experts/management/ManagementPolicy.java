package io.himoe.experts.management;

import java.time.Duration;

/**
 * When {@link ExpertManager} scales, flags and removes experts (seed 002 §4 and its {@code
 * management} configuration).
 *
 * @param autoScale whether {@link ExpertManager#manage()} adds and releases instances
 * @param scaleUpLoadFraction add an instance when load passes this share of capacity (0.8 in the
 *     seed), in (0, 1]
 * @param scaleUpMinScore ... and the expert's score is above this (0.8 in the seed)
 * @param idleRelease release an instance idle for this long
 * @param performanceThreshold flag an expert whose success rate falls below this (0.85 in the
 *     seed), in [0, 1]
 * @param minCallsToJudge calls observed before an expert can be flagged, >= 1
 * @param removeUnderperforming whether flagged experts are also removed (false in the seed)
 * @param window recent calls kept per expert for the success rate and latency percentiles, >= 1
 * @param defaultMaxLoad capacity of an expert that is not {@link Scalable}, in concurrent calls, >=
 *     1
 */
public record ManagementPolicy(
    boolean autoScale,
    double scaleUpLoadFraction,
    double scaleUpMinScore,
    Duration idleRelease,
    double performanceThreshold,
    int minCallsToJudge,
    boolean removeUnderperforming,
    int window,
    int defaultMaxLoad) {

  /** Validates. */
  public ManagementPolicy {
    if (!(scaleUpLoadFraction > 0 && scaleUpLoadFraction <= 1)) {
      throw new IllegalArgumentException(
          "scaleUpLoadFraction must be in (0, 1], got " + scaleUpLoadFraction);
    }
    if (Double.isNaN(scaleUpMinScore)) {
      throw new IllegalArgumentException("scaleUpMinScore is NaN");
    }
    if (idleRelease == null || idleRelease.isNegative()) {
      throw new IllegalArgumentException("idleRelease must be >= 0, got " + idleRelease);
    }
    if (!(performanceThreshold >= 0 && performanceThreshold <= 1)) {
      throw new IllegalArgumentException(
          "performanceThreshold must be in [0, 1], got " + performanceThreshold);
    }
    if (minCallsToJudge < 1 || window < 1 || defaultMaxLoad < 1) {
      throw new IllegalArgumentException(
          "minCallsToJudge, window and defaultMaxLoad must be >= 1, got "
              + minCallsToJudge
              + ", "
              + window
              + ", "
              + defaultMaxLoad);
    }
  }

  /**
   * @return the seed's settings: auto-scale at 80% load and score 0.8, release after 5 idle
   *     minutes, flag below 85% success after 20 calls, never remove; 256-call window, capacity 10
   */
  public static ManagementPolicy ofDefaults() {
    return new ManagementPolicy(true, 0.8, 0.8, Duration.ofMinutes(5), 0.85, 20, false, 256, 10);
  }

  /**
   * @param remove whether flagged experts are removed
   * @return a copy with that setting
   */
  public ManagementPolicy withRemoveUnderperforming(boolean remove) {
    return new ManagementPolicy(
        autoScale,
        scaleUpLoadFraction,
        scaleUpMinScore,
        idleRelease,
        performanceThreshold,
        minCallsToJudge,
        remove,
        window,
        defaultMaxLoad);
  }
}
