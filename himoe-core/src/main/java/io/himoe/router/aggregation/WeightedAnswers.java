package io.himoe.router.aggregation;

import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.MoeError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The answering experts with their gate weights renormalised over them, highest first; the common
 * first step of every aggregator.
 */
final class WeightedAnswers {

  final List<AggregatedOut.Alternative> ranked;

  private WeightedAnswers(List<AggregatedOut.Alternative> ranked) {
    this.ranked = ranked;
  }

  static WeightedAnswers of(
      String aggregator, List<ExpertOutcome.Answered> answered, GateWeights weights) {
    if (answered == null || answered.isEmpty()) {
      throw new MoeError.AggregationFailed(aggregator + " aggregator given no expert outputs");
    }
    double[] w = new double[answered.size()];
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.max(0, weights.valueOf(answered.get(i).expert().id()));
      sum += w[i];
    }
    List<AggregatedOut.Alternative> out = new ArrayList<>(w.length);
    for (int i = 0; i < w.length; i++) {
      ExpertOutcome.Answered a = answered.get(i);
      // Experts the gate gave no weight (or no scores at all) share equally.
      double share = sum > 0 ? w[i] / sum : 1.0 / w.length;
      out.add(
          new AggregatedOut.Alternative(
              a.expert().name(), a.out().value(), share, a.out().aux().confidence()));
    }
    out.sort(Comparator.comparingDouble(AggregatedOut.Alternative::weight).reversed());
    return new WeightedAnswers(List.copyOf(out));
  }

  AggregatedOut.Alternative top() {
    return ranked.getFirst();
  }

  double confidence() {
    double c = 0;
    for (AggregatedOut.Alternative a : ranked) {
      c += a.weight() * a.confidence();
    }
    return c;
  }

  /**
   * Groups answers by the equivalence (greedily, in weight order) and returns each group's members;
   * the first member of a group is its representative.
   */
  List<List<AggregatedOut.Alternative>> groups(ValueEquivalence eq) {
    List<List<AggregatedOut.Alternative>> groups = new ArrayList<>();
    outer:
    for (AggregatedOut.Alternative a : ranked) {
      for (List<AggregatedOut.Alternative> g : groups) {
        if (eq.same(g.getFirst().value(), a.value())) {
          g.add(a);
          continue outer;
        }
      }
      List<AggregatedOut.Alternative> g = new ArrayList<>();
      g.add(a);
      groups.add(g);
    }
    return groups;
  }

  static double groupWeight(List<AggregatedOut.Alternative> g) {
    double s = 0;
    for (AggregatedOut.Alternative a : g) {
      s += a.weight();
    }
    return s;
  }

  /** Weight share outside the heaviest agreeing group: 0 when all agree. */
  double disagreement(ValueEquivalence eq) {
    double best = 0;
    for (List<AggregatedOut.Alternative> g : groups(eq)) {
      best = Math.max(best, groupWeight(g));
    }
    return Math.max(0, 1 - best);
  }

  AggregatedOut choose(AggregatedOut.Alternative chosen, ValueEquivalence eq) {
    return new AggregatedOut(
        chosen.value(), MixMeta.ofAggregate(disagreement(eq), confidence()), ranked);
  }
}
