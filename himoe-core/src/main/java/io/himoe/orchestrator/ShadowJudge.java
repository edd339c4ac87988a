package io.himoe.orchestrator;

import io.himoe.router.RouteResult;

/** Decides whether a shadow router's result beats the primary's for the same request. */
@FunctionalInterface
public interface ShadowJudge {

  /**
   * @param primary the primary router's result
   * @param shadow the shadow's result
   * @return whether the shadow did better
   */
  boolean shadowBetter(RouteResult primary, RouteResult shadow);

  /**
   * A judge without ground truth: a result's quality is its weighted confidence minus half its
   * inter-expert disagreement, and the shadow wins when it beats the primary by the margin.
   *
   * @param margin how much better the shadow must be, &gt;= 0
   * @return the judge
   */
  static ShadowJudge byConfidence(double margin) {
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("shadow margin must be >= 0 and finite, got " + margin);
    }
    return (p, s) -> quality(s) > quality(p) + margin;
  }

  private static double quality(RouteResult r) {
    return r.out().mix().confidence() - 0.5 * r.out().mix().disagreement();
  }
}
