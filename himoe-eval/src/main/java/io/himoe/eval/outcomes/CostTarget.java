package io.himoe.eval.outcomes;

/** What a calibrated cost-quality policy must reach, measured on held-out (calibration) rows. */
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
        throw new IllegalArgumentException("--target-quality must be in (0, 1.5], got " + share);
      }
    }
  }

  /**
   * The best quality whose cost stays under a ceiling.
   *
   * @param costPer1k dollars per 1,000 queries, &gt;= 0
   */
  record MaxCost(double costPer1k) implements CostTarget {
    /** Validates. */
    public MaxCost {
      if (!(costPer1k >= 0) || Double.isInfinite(costPer1k)) {
        throw new IllegalArgumentException("--max-cost must be >= 0 and finite, got " + costPer1k);
      }
    }
  }
}
