package io.himoe.server.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
    Set<String> names = new HashSet<>(avg.keySet());
    names.addAll(shares.keySet());
    for (String n : names) {
      double x = shares.getOrDefault(n, 0.0);
      double[] a = avg.computeIfAbsent(n, k -> new double[2]);
      if (!seeded) {
        a[0] = x;
        a[1] = x;
      } else {
        a[0] += fastAlpha * (x - a[0]);
        a[1] += slowAlpha * (x - a[1]);
      }
    }
    seeded = true;
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
