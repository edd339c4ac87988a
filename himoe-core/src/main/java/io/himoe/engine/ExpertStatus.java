package io.himoe.engine;

import com.fasterxml.jackson.annotation.JsonValue;
import io.himoe.experts.ExpertOutcome;

/**
 * What happened to one candidate expert in a stage's decision ({@link ExpertTrace#status()}). The
 * first five describe a request that ran; the last two a {@link RoutePreview}. Serialised to JSON
 * (and to metric tags) as its {@link #label()}.
 */
public enum ExpertStatus {
  /** Called, and answered in time. */
  ANSWERED("answered"),
  /** Called, and failed (its error is in the trace's detail). */
  FAILED("failed"),
  /** Called, and dropped at the deadline or by a cancel (the reason is in the detail). */
  DROPPED("dropped"),
  /** Picked but not called: a cascade stopped earlier, or the budget left no room. */
  SKIPPED("skipped"),
  /** Scored by the gate but not among the experts picked. */
  NOT_PICKED("not-picked"),
  /** Preview only: would be called. */
  WOULD_CALL("would-call"),
  /** Preview only: in the top k, but the budget would drop it (the reason is in the detail). */
  WOULD_DROP("would-drop");

  private final String label;

  ExpertStatus(String label) {
    this.label = label;
  }

  /**
   * @return the lower-case word used in JSON, metric tags and the CLI ({@code not-picked}, ...)
   */
  @JsonValue
  public String label() {
    return label;
  }

  /**
   * @return whether the expert was actually called (answered, failed or dropped)
   */
  public boolean called() {
    return this == ANSWERED || this == FAILED || this == DROPPED;
  }

  /**
   * @param outcome what an expert did
   * @return its status
   */
  public static ExpertStatus of(ExpertOutcome outcome) {
    return switch (outcome) {
      case ExpertOutcome.Answered a -> ANSWERED;
      case ExpertOutcome.Failed f -> FAILED;
      case ExpertOutcome.Dropped d -> DROPPED;
      case ExpertOutcome.Skipped s -> SKIPPED;
    };
  }

  @Override
  public String toString() {
    return label;
  }
}
