package io.himoe.router.aggregation;

import io.himoe.shared.Value;
import java.util.List;
import java.util.Objects;

/**
 * A router's single answer after aggregation, with its mixture telemetry and the answers it did not
 * choose (kept so that a caller or a verifier can inspect them).
 *
 * @param value the answer
 * @param mix the telemetry
 * @param alternatives every answering expert's own value and weight, highest weight first
 */
public record AggregatedOut(Value value, MixMeta mix, List<Alternative> alternatives) {

  /**
   * One expert's answer as seen by the aggregator.
   *
   * @param expert the expert's name
   * @param value its answer
   * @param weight its gate weight, renormalised over the answering experts
   * @param confidence its stated confidence
   */
  public record Alternative(String expert, Value value, double weight, double confidence) {
    /** Validates. */
    public Alternative {
      Objects.requireNonNull(expert, "expert");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Validates and copies. */
  public AggregatedOut {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(mix, "mix");
    alternatives = List.copyOf(alternatives);
  }

  /**
   * @param mix the full telemetry
   * @return a copy with it
   */
  public AggregatedOut withMix(MixMeta mix) {
    return new AggregatedOut(value, mix, alternatives);
  }
}
