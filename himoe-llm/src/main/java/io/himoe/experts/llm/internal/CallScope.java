package io.himoe.experts.llm.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The cancellation scope of one model call: its deadline and the actions that abort it (cancel the
 * HTTP exchange, close the response stream, interrupt the waiting thread). The HTTP client finds
 * the scope of the current call through {@link #CURRENT}, since LangChain4j gives it no way to
 * receive one.
 */
public final class CallScope {

  /** The scope of the call running on this thread, if any. */
  public static final ScopedValue<CallScope> CURRENT = ScopedValue.newInstance();

  private final Instant deadline;
  private final InstantSource clock;
  private final @Nullable String traceId;
  private final boolean timed;
  private List<Runnable> onCancel = new ArrayList<>(4);
  private volatile @Nullable String cancelReason;
  private volatile @Nullable Duration retryAfter;

  /**
   * @param deadline when the call must be over
   * @param clock the clock the deadline is measured with
   */
  public CallScope(Instant deadline, InstantSource clock) {
    this(deadline, clock, null);
  }

  /**
   * @param deadline when the call must be over
   * @param clock the clock the deadline is measured with
   * @param traceId the request's trace id, sent as {@code X-Trace-Id}, or {@code null}
   */
  public CallScope(Instant deadline, InstantSource clock, @Nullable String traceId) {
    this(deadline, clock, traceId, false);
  }

  /**
   * @param deadline when the call must be over
   * @param clock the clock the deadline is measured with
   * @param traceId the request's trace id, sent as {@code X-Trace-Id}, or {@code null}
   * @param timed whether a timer cancels this scope at its deadline (then the HTTP client's socket
   *     reads need no timeout of their own to end the call in time)
   */
  public CallScope(Instant deadline, InstantSource clock, @Nullable String traceId, boolean timed) {
    this.deadline = deadline;
    this.clock = clock;
    this.traceId = traceId;
    this.timed = timed;
  }

  /**
   * @return whether a timer cancels this scope at its deadline
   */
  public boolean timed() {
    return timed;
  }

  /**
   * @return the request's trace id, or {@code null}
   */
  public @Nullable String traceId() {
    return traceId;
  }

  /**
   * Records the wait an endpoint asked for in a {@code Retry-After} header.
   *
   * @param wait the wait
   */
  public void retryAfter(Duration wait) {
    this.retryAfter = wait;
  }

  /**
   * @return the wait the endpoint asked for, or {@code null}
   */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /**
   * @return the current time on the scope's clock
   */
  public Instant now() {
    return clock.instant();
  }

  /**
   * @return the time left before the deadline, never negative
   */
  public Duration remaining() {
    Duration d = Duration.between(clock.instant(), deadline);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * Registers an abort action; runs it at once when the scope is already cancelled.
   *
   * @param action a quick, non-blocking action
   */
  public void onCancel(Runnable action) {
    synchronized (this) {
      if (cancelReason == null) {
        onCancel.add(action);
        return;
      }
    }
    runQuietly(action);
  }

  /**
   * Cancels the call once: runs every abort action.
   *
   * @param reason why, e.g. {@code "deadline"} or {@code "cancelled"}
   */
  public void cancel(String reason) {
    List<Runnable> actions;
    synchronized (this) {
      if (cancelReason != null) {
        return;
      }
      cancelReason = reason;
      actions = onCancel;
      onCancel = List.of();
    }
    actions.forEach(CallScope::runQuietly);
  }

  /**
   * @return why the scope was cancelled, or {@code null} while it is live
   */
  public @Nullable String cancelReason() {
    return cancelReason;
  }

  private static void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // An abort action failing (e.g. closing an already closed stream) must not stop the others.
    }
  }
}
