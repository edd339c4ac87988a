package io.himoe.learning.shadow;

import io.himoe.experts.ExpertId;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** Each expert's mean reward from feedback so far (all routers together). Thread-safe. */
final class ExpertRewards {

  private final Map<ExpertId, double[]> sums = new HashMap<>();

  synchronized void add(ExpertId expert, double reward) {
    double[] s = sums.computeIfAbsent(expert, k -> new double[2]);
    s[0] += reward;
    s[1]++;
  }

  /**
   * @param experts some experts
   * @param minSamples rewards each needs
   * @return their mean reward (mean of their means), or empty when one has too few
   */
  synchronized OptionalDouble mean(Collection<ExpertId> experts, int minSamples) {
    if (experts.isEmpty()) {
      return OptionalDouble.empty();
    }
    double total = 0;
    for (ExpertId e : experts) {
      double[] s = sums.get(e);
      if (s == null || s[1] < minSamples) {
        return OptionalDouble.empty();
      }
      total += s[0] / s[1];
    }
    return OptionalDouble.of(total / experts.size());
  }
}
