package io.himoe.router.aggregation;

import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.List;
import java.util.Objects;

/**
 * Ensemble synthesis (seed 002 §3): the answers are written into one prompt that a synthesizer
 * expert turns into a single answer. The synthesizer is reached through its own router, never
 * called directly, so that the no-bypass rule holds here too and its call gets the same deadline,
 * budget and trace as any other.
 */
final class SynthesisAggregator implements Aggregator {

  private final Synthesizer synthesizer;

  SynthesisAggregator(Synthesizer synthesizer) {
    this.synthesizer = Objects.requireNonNull(synthesizer, "synthesizer");
  }

  @Override
  public String id() {
    return "synthesis";
  }

  @Override
  public AggregatedOut combine(
      InputData input, List<ExpertOutcome.Answered> answered, GateWeights weights, Context ctx) {
    WeightedAnswers w = WeightedAnswers.of(id(), answered, weights);
    ValueEquivalence eq = ValueEquivalence.normalizedText();
    if (w.ranked.size() == 1) {
      return w.choose(w.top(), eq);
    }
    StringBuilder prompt =
        new StringBuilder("Synthesize one answer to the request from the experts' answers.\n")
            .append("Request: ")
            .append(input.describe())
            .append('\n');
    for (AggregatedOut.Alternative a : w.ranked) {
      prompt
          .append(String.format("- %s (weight %.2f): ", a.expert(), a.weight()))
          .append(a.value().render())
          .append('\n');
    }
    AggregatedOut synth = synthesizer.synthesize(InputData.text(prompt.toString()), ctx);
    return new AggregatedOut(
        synth.value(), MixMeta.ofAggregate(w.disagreement(eq), synth.mix().confidence()), w.ranked);
  }
}
