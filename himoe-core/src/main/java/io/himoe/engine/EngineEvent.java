package io.himoe.engine;

import io.himoe.router.RouterFeedback;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.util.List;
import java.util.Objects;

/**
 * What the engine tells its {@link EngineListener}s, one record per kind of event; switch on it
 * exhaustively. Every event names the request it belongs to ({@link #traceId()}).
 */
public sealed interface EngineEvent {

  /**
   * @return the request's trace id
   */
  String traceId();

  /**
   * A request was answered. Sent before any of its shadows reports.
   *
   * @param input the request
   * @param answer its answer and decision trace
   */
  record Answered(InputData input, Answer answer) implements EngineEvent {
    /** Validates. */
    public Answered {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(answer, "answer");
    }

    @Override
    public String traceId() {
      return answer.traceId();
    }
  }

  /**
   * A request failed.
   *
   * @param input the request
   * @param traceId its trace id
   * @param error why
   */
  record Failed(InputData input, String traceId, MoeError error) implements EngineEvent {
    /** Validates. */
    public Failed {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(traceId, "traceId");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * A shadow router ran after the answer.
   *
   * @param report what it did
   */
  record ShadowRan(ShadowReport report) implements EngineEvent {
    /** Validates. */
    public ShadowRan {
      Objects.requireNonNull(report, "report");
    }

    @Override
    public String traceId() {
      return report.traceId();
    }
  }

  /**
   * A request's shadows were not run, and why. Not listed in its {@link DecisionTrace#shadows()}.
   *
   * @param traceId the request
   * @param primaryRouter the router that answered
   * @param shadows the shadow routers that did not run
   * @param reason why
   */
  record ShadowsSkipped(
      String traceId, String primaryRouter, List<String> shadows, SkipReason reason)
      implements EngineEvent {
    /** Validates and copies. */
    public ShadowsSkipped {
      Objects.requireNonNull(traceId, "traceId");
      Objects.requireNonNull(primaryRouter, "primaryRouter");
      shadows = List.copyOf(shadows);
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Feedback reached a router that took part in a decision.
   *
   * @param routerId the router trained
   * @param feedback what it received
   */
  record FeedbackApplied(String routerId, RouterFeedback feedback) implements EngineEvent {
    /** Validates. */
    public FeedbackApplied {
      Objects.requireNonNull(routerId, "routerId");
      Objects.requireNonNull(feedback, "feedback");
    }

    @Override
    public String traceId() {
      return feedback.traceId();
    }
  }

  /** Why a request's shadows did not run. */
  enum SkipReason {
    /** Not in the sample ({@code shadows.sample_rate}): by design. */
    SAMPLED_OUT("sampled_out"),
    /** Too little of the request's budget was left ({@code shadows.min_remaining_ms}). */
    LOW_BUDGET("low_budget"),
    /** As many shadow runs as allowed per second had started ({@code shadows.max_per_second}). */
    RATE("rate"),
    /** Shadows had used their share of the primaries' CPU ({@code shadows.max_cpu_share}). */
    CPU_SHARE("cpu_share"),
    /** As many shadow runs as allowed were already in flight. */
    NO_PERMIT("no_permit"),
    /** The shadow executor refused the run (shut down, or its queue was full). */
    EXECUTOR_REFUSED("executor_refused");

    private final String label;

    SkipReason(String label) {
      this.label = label;
    }

    /**
     * @return the lower-case word used in logs and metric tags
     */
    public String label() {
      return label;
    }

    @Override
    public String toString() {
      return label;
    }
  }
}
