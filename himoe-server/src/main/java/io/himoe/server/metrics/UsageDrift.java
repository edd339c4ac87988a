package io.himoe.server.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Drift of the routing distribution: a fast and a slow exponential moving average of each expert's
 * share of the routing, and the total-variation distance between them (0 = the recent routing
 * matches the long-run one, 1 = it is entirely different). Thread-safe.
 */
final class UsageDrift {

  private final double fastAlpha;
  private final double slowAlpha;
  private final Map<String, double[]> avg = new HashMap<>();
  private boolean seeded;

  UsageDrift(double fastAlpha, double slowAlpha) {
    this.fastAlpha = fastAlpha;
    this.slowAlpha = slowAlpha;
  }

  /**
   * @param shares this request's share per expert (summing to 1 over the called experts)
   */
  synchronized void observe(Map<String, Double> shares) {
    // Experts seen before (absent from this request: a share of 0), then experts new to it.
    for (Map.Entry<String, double[]> e : avg.entrySet()) {
      update(e.getValue(), shares.getOrDefault(e.getKey(), 0.0));
    }
    for (Map.Entry<String, Double> e : shares.entrySet()) {
      if (!avg.containsKey(e.getKey())) {
        double[] a = new double[2];
        avg.put(e.getKey(), a);
        update(a, e.getValue());
      }
    }
    seeded = true;
  }

  private void update(double[] a, double x) {
    if (!seeded) {
      a[0] = x;
      a[1] = x;
    } else {
      a[0] += fastAlpha * (x - a[0]);
      a[1] += slowAlpha * (x - a[1]);
    }
  }

  /**
   * @return the total-variation distance in [0, 1] between recent and long-run routing
   */
  synchronized double value() {
    double sumFast = 0;
    double sumSlow = 0;
    for (double[] a : avg.values()) {
      sumFast += a[0];
      sumSlow += a[1];
    }
    if (sumFast <= 0 || sumSlow <= 0) {
      return 0;
    }
    double d = 0;
    for (double[] a : avg.values()) {
      d += Math.abs(a[0] / sumFast - a[1] / sumSlow);
    }
    return d / 2;
  }
}
