package io.himoe.router.aggregation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Mixes answers by the gate's weights: the weighted mean for embeddings (of one dimension) and
 * numbers (JSON numbers, or texts that are numbers), otherwise the highest-weighted answer with the
 * others kept as alternatives.
 */
final class GateWeightedAggregator implements Aggregator {

  @Override
  public String id() {
    return "gate-weighted";
  }

  @Override
  public AggregatedOut combine(
      InputData input, List<ExpertOutcome.Answered> answered, GateWeights weights, Context ctx) {
    WeightedAnswers w = WeightedAnswers.of(id(), answered, weights);
    ValueEquivalence eq = ValueEquivalence.normalizedText();
    Value mixed = meanEmbedding(w);
    if (mixed == null) {
      mixed = meanNumber(w);
    }
    if (mixed == null) {
      return w.choose(w.top(), eq);
    }
    return new AggregatedOut(
        mixed, MixMeta.ofAggregate(w.disagreement(eq), w.confidence()), w.ranked);
  }

  private static @Nullable Value meanEmbedding(WeightedAnswers w) {
    int dim = -1;
    for (AggregatedOut.Alternative a : w.ranked) {
      if (!(a.value() instanceof Value.Embedding e) || (dim >= 0 && e.data().length != dim)) {
        return null;
      }
      dim = e.data().length;
    }
    float[] mean = new float[dim];
    for (AggregatedOut.Alternative a : w.ranked) {
      float[] v = ((Value.Embedding) a.value()).data();
      for (int i = 0; i < dim; i++) {
        mean[i] += (float) (a.weight() * v[i]);
      }
    }
    return Value.embedding(mean);
  }

  private static @Nullable Value meanNumber(WeightedAnswers w) {
    double mean = 0;
    boolean allJson = true;
    for (AggregatedOut.Alternative a : w.ranked) {
      Double x = number(a.value());
      if (x == null) {
        return null;
      }
      allJson &= a.value() instanceof Value.Json;
      mean += a.weight() * x;
    }
    if (allJson) {
      return Value.json(Value.CURRENT_SCHEMA, JsonNodeFactory.instance.numberNode(mean));
    }
    return Value.text(BigDecimal.valueOf(mean).stripTrailingZeros().toPlainString());
  }

  private static @Nullable Double number(Value v) {
    return switch (v) {
      case Value.Json j when j.data().isNumber() -> j.data().doubleValue();
      case Value.Text t -> parse(t.data());
      default -> null;
    };
  }

  private static @Nullable Double parse(String s) {
    String t = s.strip();
    if (t.isEmpty() || !t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
      return null;
    }
    return Double.parseDouble(t);
  }
}
