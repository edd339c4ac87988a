package io.himoe.shared;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The family of errors a Hi-MoE request can end with. Each variant has a stable {@link #code()}
 * that servers and logs can rely on. Per-expert failures inside a request are values ({@code
 * ExpertOutcome.Failed}); a {@code MoeError} is thrown only when the request as a whole cannot
 * produce an answer or its input is invalid.
 */
public abstract sealed class MoeError extends RuntimeException {

  private final List<ExpertMiss> misses;

  private MoeError(String message, @Nullable Throwable cause) {
    this(message, cause, List.of());
  }

  private MoeError(String message, @Nullable Throwable cause, List<ExpertMiss> misses) {
    super(message, cause, cause != null, false);
    this.misses = List.copyOf(misses);
  }

  /**
   * One expert call of a request that ended with this error, which failed or was dropped.
   *
   * @param expert the expert's name
   * @param dropped true when the call was dropped (at a deadline), false when it failed
   * @param detail the failure's message or the drop's reason
   */
  public record ExpertMiss(String expert, boolean dropped, String detail) {
    /** Validates. */
    public ExpertMiss {
      Objects.requireNonNull(expert, "expert");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The expert calls that failed or were dropped on the way to this error, so that a request that
   * failed as a whole still reports why each of its calls did (metrics, logs).
   *
   * @return those calls in the order they were made; empty when no expert was called
   */
  public List<ExpertMiss> misses() {
    return misses;
  }

  /**
   * @return the message; never null, since every kind is made with one
   */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage(), "message");
  }

  /**
   * A stable, machine-readable code such as {@code deadline_exceeded}.
   *
   * @return the code of this error kind
   */
  public abstract String code();

  /** The request's deadline passed before an answer could be produced. */
  public static final class DeadlineExceeded extends MoeError {
    /**
     * @param stage where the deadline was noticed, e.g. {@code "gate"} or {@code "call"}
     */
    public DeadlineExceeded(String stage) {
      super("deadline exceeded at " + stage, null);
    }

    /**
     * @param stage where the deadline was noticed
     * @param misses the expert calls dropped or failed before it
     */
    public DeadlineExceeded(String stage, List<ExpertMiss> misses) {
      super("deadline exceeded at " + stage, null, misses);
    }

    @Override
    public String code() {
      return "deadline_exceeded";
    }
  }

  /** The cost budget (in cost units) could not cover the cheapest useful call. */
  public static final class BudgetExceeded extends MoeError {
    /**
     * @param detail what did not fit, in cost units
     */
    public BudgetExceeded(String detail) {
      super("budget exceeded: " + detail, null);
    }

    @Override
    public String code() {
      return "budget_exceeded";
    }
  }

  /**
   * The request used more CPU time than its {@link CpuBudget}: its work was stopped. Retrying the
   * same request would cost the same: servers answer 422 naming the limit.
   */
  public static final class CpuBudgetExceeded extends MoeError {
    private final String limit;
    private final long limitMs;
    private final long usedMs;

    /**
     * @param limit the limit's name (e.g. {@code budgets.cpu_ms})
     * @param limitMs the limit, in ms of CPU
     * @param usedMs the CPU time the request had used when it was stopped, in ms
     * @param stage where it was stopped
     */
    public CpuBudgetExceeded(String limit, long limitMs, long usedMs, String stage) {
      super(
          "CPU budget exceeded: the request used "
              + usedMs
              + " ms of CPU, over "
              + limit
              + " = "
              + limitMs
              + " ms (stopped at "
              + stage
              + ")",
          null);
      this.limit = limit;
      this.limitMs = limitMs;
      this.usedMs = usedMs;
    }

    /**
     * @return the limit's name, e.g. {@code budgets.cpu_ms}
     */
    public String limit() {
      return limit;
    }

    /**
     * @return the limit, in ms of CPU
     */
    public long limitMs() {
      return limitMs;
    }

    /**
     * @return the CPU time used when the request was stopped, in ms
     */
    public long usedMs() {
      return usedMs;
    }

    @Override
    public String code() {
      return "cpu_budget_exceeded";
    }
  }

  /** An encoder could not turn the input into a vector. */
  public static final class EncodeError extends MoeError {
    /**
     * @param detail what went wrong
     * @param cause the underlying failure, or {@code null}
     */
    public EncodeError(String detail, @Nullable Throwable cause) {
      super("encode error: " + detail, cause);
    }

    @Override
    public String code() {
      return "encode_error";
    }
  }

  /** One expert failed; carried as a value inside a request and thrown only when it was alone. */
  public static final class ExpertFailed extends MoeError {
    private final String expert;

    /**
     * @param expert the expert's name
     * @param cause what it threw
     */
    public ExpertFailed(String expert, @Nullable Throwable cause) {
      super(
          "expert " + expert + " failed: " + describe(cause),
          cause,
          List.of(
              new ExpertMiss(expert, false, "expert " + expert + " failed: " + describe(cause))));
      this.expert = expert;
    }

    /**
     * @param expert the expert's name
     * @param reason why it failed
     */
    public ExpertFailed(String expert, String reason) {
      super(
          "expert " + expert + " failed: " + reason,
          null,
          List.of(new ExpertMiss(expert, false, "expert " + expert + " failed: " + reason)));
      this.expert = expert;
    }

    /**
     * @return the name of the expert that failed
     */
    public String expert() {
      return expert;
    }

    @Override
    public String code() {
      return "expert_failed";
    }

    private static String describe(@Nullable Throwable cause) {
      if (cause == null) {
        return "unknown cause";
      }
      String msg = cause.getMessage();
      return cause.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
  }

  /** Experts were called but none answered: each failed or was dropped. */
  public static final class NoExpertAnswered extends MoeError {
    /**
     * @param detail each called expert and what happened to it
     */
    public NoExpertAnswered(String detail) {
      super("no expert answered: " + detail, null);
    }

    /**
     * @param detail each called expert and what happened to it
     * @param misses the calls that failed or were dropped, as values
     */
    public NoExpertAnswered(String detail, List<ExpertMiss> misses) {
      super("no expert answered: " + detail, null, misses);
    }

    @Override
    public String code() {
      return "no_expert_answered";
    }
  }

  /** No expert could be selected: the registry is empty or every candidate was filtered out. */
  public static final class NoExpertSelected extends MoeError {
    /**
     * @param detail why no expert was selected
     */
    public NoExpertSelected(String detail) {
      super("no expert selected: " + detail, null);
    }

    @Override
    public String code() {
      return "no_expert_selected";
    }
  }

  /** The aggregator could not combine the experts' outputs. */
  public static final class AggregationFailed extends MoeError {
    /**
     * @param detail why aggregation failed
     */
    public AggregationFailed(String detail) {
      super("aggregation failed: " + detail, null);
    }

    @Override
    public String code() {
      return "aggregation_failed";
    }
  }

  /** The request's input is unusable (empty text, non-finite feature, ...). */
  public static final class InvalidInput extends MoeError {
    /**
     * @param detail the field and the problem
     */
    public InvalidInput(String detail) {
      super("invalid input: " + detail, null);
    }

    @Override
    public String code() {
      return "invalid_input";
    }
  }

  /**
   * An expert cannot process this input (an expression that divides by zero, a text without the
   * expression a math expert needs, an input longer than the expert's limit). Inside a request it
   * is an expert's outcome like any failure: the router re-routes to the next-best expert. When
   * every expert tried rejected the input this way, the request ends with it as a client mistake,
   * naming each expert's reason: retrying the same request cannot help; servers answer 422.
   */
  public static final class Unprocessable extends MoeError {
    private final String detail;

    /**
     * @param detail what cannot be processed and why, naming the limit when one was exceeded
     */
    public Unprocessable(String detail) {
      super("unprocessable input: " + detail, null);
      this.detail = detail;
    }

    /**
     * @return what cannot be processed and why, without the {@code unprocessable input: } prefix
     */
    public String detail() {
      return detail;
    }

    @Override
    public String code() {
      return "unprocessable_input";
    }
  }

  /**
   * @param e an error
   * @return whether it is the client's mistake ({@link InvalidInput}, {@link Unprocessable}, or an
   *     {@link EncodeError} of an expert that cannot encode this input, such as a text sent to an
   *     image expert), which says nothing about the expert that reported it
   */
  public static boolean isClientMistake(Throwable e) {
    return e instanceof InvalidInput || e instanceof Unprocessable || e instanceof EncodeError;
  }

  /**
   * @param e a client mistake
   * @return its reason without the kind's prefix ({@code unprocessable input: }, {@code invalid
   *     input: }, {@code encode error: })
   */
  public static String reasonOf(MoeError e) {
    return switch (e) {
      case Unprocessable u -> u.detail();
      case InvalidInput i -> i.getMessage().substring("invalid input: ".length());
      case EncodeError x -> x.getMessage().substring("encode error: ".length());
      default -> e.getMessage();
    };
  }

  /** The request named a router that does not exist. */
  public static final class UnknownRouter extends MoeError {
    /**
     * @param id the unknown router id
     * @param known the ids that do exist, for the message
     */
    public UnknownRouter(String id, Iterable<String> known) {
      super("unknown router '" + id + "' (known: " + String.join(", ", known) + ")", null);
    }

    @Override
    public String code() {
      return "unknown_router";
    }
  }

  /** Feedback named a trace id that is unknown or has expired from the decision store. */
  public static final class UnknownTrace extends MoeError {
    /**
     * @param traceId the trace id that could not be found
     */
    public UnknownTrace(String traceId) {
      super("unknown or expired trace id '" + traceId + "'", null);
    }

    @Override
    public String code() {
      return "unknown_trace";
    }
  }

  /** The request was cancelled by its caller. */
  public static final class Cancelled extends MoeError {
    /**
     * @param stage where the cancellation was noticed
     */
    public Cancelled(String stage) {
      super("request cancelled at " + stage, null);
    }

    @Override
    public String code() {
      return "cancelled";
    }
  }

  /**
   * The server is at capacity: every expert the request could use refused it for a concurrency or
   * rate limit (a full bulkhead or rate limiter), not for a fault. The client may retry after
   * {@link #retryAfter()}; an HTTP server answers 503 with {@code Retry-After}.
   */
  public static final class Overloaded extends MoeError {
    private final java.time.Duration retryAfter;

    /**
     * @param detail which limit was reached
     * @param retryAfter when a retry may find room, &gt;= 0
     */
    public Overloaded(String detail, java.time.Duration retryAfter) {
      super("overloaded: " + detail, null);
      this.retryAfter = retryAfter.isNegative() ? java.time.Duration.ZERO : retryAfter;
    }

    /**
     * @return when a retry may find room
     */
    public java.time.Duration retryAfter() {
      return retryAfter;
    }

    @Override
    public String code() {
      return "overloaded";
    }
  }
}
