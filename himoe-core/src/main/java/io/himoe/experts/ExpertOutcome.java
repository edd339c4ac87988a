package io.himoe.experts;

import io.himoe.shared.MoeError;
import java.util.Objects;

/**
 * What happened to one picked expert during a request. Failures are values here, so one failing
 * expert never hides the others' answers.
 */
public sealed interface ExpertOutcome {

  /**
   * @return the expert
   */
  ExpertRef expert();

  /**
   * @return the time spent on it in ms (0 when it was not called)
   */
  long latencyMs();

  /**
   * The expert answered in time.
   *
   * @param expert the expert
   * @param out its answer, with measured latency and the trace id
   */
  record Answered(ExpertRef expert, ExpertOut out) implements ExpertOutcome {
    /** Validates. */
    public Answered {
      Objects.requireNonNull(expert, "expert");
      Objects.requireNonNull(out, "out");
    }

    @Override
    public long latencyMs() {
      return out.aux().latencyMs();
    }
  }

  /**
   * The expert threw or returned nothing.
   *
   * @param expert the expert
   * @param error the failure, naming the expert and the cause
   * @param latencyMs time until it failed
   */
  record Failed(ExpertRef expert, MoeError.ExpertFailed error, long latencyMs)
      implements ExpertOutcome {
    /** Validates. */
    public Failed {
      Objects.requireNonNull(expert, "expert");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * The expert was picked but gave no answer in time: cancelled at the deadline, or not called
   * because the remaining time or cost could not cover it. Counted in {@code dropCount}.
   *
   * @param expert the expert
   * @param reason why, e.g. {@code "deadline"} or {@code "cost budget"}
   * @param latencyMs time spent before it was cancelled (0 if never called)
   */
  record Dropped(ExpertRef expert, String reason, long latencyMs) implements ExpertOutcome {
    /** Validates. */
    public Dropped {
      Objects.requireNonNull(expert, "expert");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The expert was picked but not needed: a cascade stopped before reaching it.
   *
   * @param expert the expert
   */
  record Skipped(ExpertRef expert) implements ExpertOutcome {
    /** Validates. */
    public Skipped {
      Objects.requireNonNull(expert, "expert");
    }

    @Override
    public long latencyMs() {
      return 0;
    }
  }

  /**
   * @return a short status word: answered, failed, dropped, skipped
   */
  default String status() {
    return switch (this) {
      case Answered a -> "answered";
      case Failed f -> "failed";
      case Dropped d -> "dropped";
      case Skipped s -> "skipped";
    };
  }
}
