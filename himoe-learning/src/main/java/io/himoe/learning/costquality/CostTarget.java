package io.himoe.learning.costquality;

/**
 * What a calibrated cost-quality policy must reach, measured on held-out (calibration) rows. Costs
 * are in the caller's unit (dollars per 1,000 queries in {@code himoe eval outcomes}, cost units
 * per request in the server's {@code cost-quality} router).
 */
public sealed interface CostTarget {

  /**
   * The cheapest policy whose quality reaches a share of the best single model's.
   *
   * @param share of the best single model's mean quality, in (0, 1.5]
   */
  record Quality(double share) implements CostTarget {
    /** Validates. */
    public Quality {
      if (!(share > 0 && share <= 1.5)) {
        throw new IllegalArgumentException(
            "the target quality (a share of the best single model's) must be in (0, 1.5], got "
                + share);
      }
    }
  }

  /**
   * The best quality whose mean cost stays under a ceiling.
   *
   * @param cost the ceiling of the mean cost, in the caller's unit, &gt;= 0
   */
  record MaxCost(double cost) implements CostTarget {
    /** Validates. */
    public MaxCost {
      if (!(cost >= 0) || Double.isInfinite(cost)) {
        throw new IllegalArgumentException("the maximum cost must be >= 0 and finite, got " + cost);
      }
    }
  }
}
