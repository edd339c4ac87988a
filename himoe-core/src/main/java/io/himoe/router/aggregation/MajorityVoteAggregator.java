package io.himoe.router.aggregation;

import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.List;
import java.util.Objects;

/**
 * Groups answers that the equivalence calls the same and keeps the group with the most votes; a tie
 * between groups goes to the one with the larger total gate weight.
 */
final class MajorityVoteAggregator implements Aggregator {

  private final ValueEquivalence equivalence;

  MajorityVoteAggregator(ValueEquivalence equivalence) {
    this.equivalence = Objects.requireNonNull(equivalence, "equivalence");
  }

  @Override
  public String id() {
    return "majority-vote";
  }

  @Override
  public AggregatedOut combine(
      InputData input, List<ExpertOutcome.Answered> answered, GateWeights weights, Context ctx) {
    WeightedAnswers w = WeightedAnswers.of(id(), answered, weights);
    List<AggregatedOut.Alternative> best = null;
    for (List<AggregatedOut.Alternative> g : w.groups(equivalence)) {
      if (best == null
          || g.size() > best.size()
          || (g.size() == best.size()
              && WeightedAnswers.groupWeight(g) > WeightedAnswers.groupWeight(best))) {
        best = g;
      }
    }
    return w.choose(Objects.requireNonNull(best).getFirst(), equivalence);
  }
}
