package io.himoe.router.aggregation;

import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.List;

/** Keeps the answer of the answering expert with the highest gate weight (seed default). */
final class BestScoreAggregator implements Aggregator {

  @Override
  public String id() {
    return "best-score";
  }

  @Override
  public AggregatedOut combine(
      InputData input, List<ExpertOutcome.Answered> answered, GateWeights weights, Context ctx) {
    WeightedAnswers w = WeightedAnswers.of(id(), answered, weights);
    return w.choose(w.top(), ValueEquivalence.normalizedText());
  }
}
