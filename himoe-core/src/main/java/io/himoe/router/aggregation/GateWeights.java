package io.himoe.router.aggregation;

import io.himoe.experts.ExpertId;

/**
 * The gate's weight of each expert, as an aggregator reads it ({@code io.himoe.router.GateScores}
 * is one), so that aggregation does not depend on the router package.
 */
@FunctionalInterface
public interface GateWeights {

  /**
   * @param id an expert
   * @return its weight after the gating policy, 0 when it was not scored
   */
  double valueOf(ExpertId id);
}
