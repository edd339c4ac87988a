package io.himoe.router.aggregation;

import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.Comparator;
import java.util.List;

/**
 * Cascade (seed 002 §3): the router calls experts one at a time in gate order and stops at the
 * first answer confident enough; this keeps that answer, or the most confident one when none
 * reached the threshold.
 */
final class CascadeAggregator implements Aggregator {

  private final CallMode.Cascade mode;

  CascadeAggregator(double threshold) {
    this.mode = new CallMode.Cascade(threshold);
  }

  @Override
  public String id() {
    return "cascade";
  }

  @Override
  public CallMode callMode() {
    return mode;
  }

  @Override
  public AggregatedOut combine(
      InputData input, List<ExpertOutcome.Answered> answered, GateWeights weights, Context ctx) {
    WeightedAnswers w = WeightedAnswers.of(id(), answered, weights);
    // Answers arrive in call order; the last one is the one that stopped the cascade, if any.
    ExpertOutcome.Answered last = answered.getLast();
    AggregatedOut.Alternative chosen;
    if (last.out().aux().confidence() >= mode.threshold()) {
      chosen =
          w.ranked.stream()
              .filter(a -> a.expert().equals(last.expert().name()))
              .findFirst()
              .orElseThrow();
    } else {
      chosen =
          w.ranked.stream()
              .max(Comparator.comparingDouble(AggregatedOut.Alternative::confidence))
              .orElseThrow();
    }
    return w.choose(chosen, ValueEquivalence.normalizedText());
  }
}
