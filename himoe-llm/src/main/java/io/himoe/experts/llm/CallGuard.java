package io.himoe.experts.llm;

import io.himoe.experts.llm.internal.CallScope;
import io.himoe.shared.Context;
import io.himoe.shared.DeadlineTimer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The time limit of one model call, tied to its request: cancelling the request or reaching the
 * call's end cancels the call's {@link CallScope} (which aborts the HTTP exchange) and interrupts
 * the calling thread (which stops models whose HTTP client we do not control). Closed when the call
 * ends, so that a late cancel never interrupts the thread while it does something else.
 *
 * <p>resilience4j's {@code TimeLimiter} cannot do this: it only cancels a {@code Future}, which
 * neither closes the connection nor frees the upstream.
 */
final class CallGuard implements AutoCloseable {

  /** Why a call was aborted: the request was cancelled. */
  static final String CANCELLED = "cancelled";

  /** Why a call was aborted: the request's deadline passed. */
  static final String DEADLINE = "deadline";

  /** Why a call was aborted: the endpoint's own timeout passed first. */
  static final String TIMEOUT = "timeout";

  /**
   * Why a call was aborted: it used its share, the rest of the deadline is kept for another model.
   */
  static final String SHARE = "share";

  /** Why a call was aborted: its thread was interrupted by someone else. */
  static final String INTERRUPTED = "interrupted";

  private final CallScope scope;
  private final Thread caller;
  private Runnable unregister = () -> {};
  private @Nullable ScheduledFuture<?> deadlineTask;
  private boolean closed;
  private boolean interruptedCaller;

  private CallGuard(CallScope scope, Thread caller) {
    this.scope = scope;
    this.caller = caller;
  }

  /**
   * @param ctx the request
   * @param callTimeout the endpoint's own limit for one call, or {@code null} for none
   * @param reserve time kept at the end of the deadline for another model, {@link Duration#ZERO}
   *     for none
   * @return the guard; the call is aborted with reason {@link #CANCELLED}, {@link #DEADLINE},
   *     {@link #TIMEOUT} or {@link #SHARE}, whichever limit comes first
   */
  static CallGuard start(Context ctx, @Nullable Duration callTimeout, Duration reserve) {
    Duration left = ctx.remaining();
    Duration limit = left;
    String reason = DEADLINE;
    if (callTimeout != null && callTimeout.compareTo(limit) < 0) {
      limit = callTimeout;
      reason = TIMEOUT;
    }
    Duration share = left.minus(reserve);
    if (!reserve.isZero() && share.compareTo(limit) < 0) {
      limit = share;
      reason = SHARE;
    }
    Instant end = DEADLINE.equals(reason) ? ctx.deadline() : ctx.clock().instant().plus(limit);
    CallGuard g =
        new CallGuard(new CallScope(end, ctx.clock(), ctx.traceId(), true), Thread.currentThread());
    g.unregister = ctx.cancel().onCancel(() -> g.abort(CANCELLED));
    String why = reason;
    g.deadlineTask = DeadlineTimer.schedule(() -> g.abort(why), limit.toNanos());
    return g;
  }

  CallScope scope() {
    return scope;
  }

  /** Aborts the call because its thread was interrupted by someone else (the flag stays set). */
  void interrupted() {
    scope.cancel(INTERRUPTED);
  }

  private void abort(String reason) {
    scope.cancel(reason);
    synchronized (this) {
      if (!closed && !INTERRUPTED.equals(scope.cancelReason())) {
        interruptedCaller = true;
        caller.interrupt();
      }
    }
  }

  @Override
  public void close() {
    boolean ours;
    synchronized (this) {
      closed = true;
      ours = interruptedCaller;
    }
    unregister.run();
    ScheduledFuture<?> task = deadlineTask;
    if (task != null) {
      task.cancel(false);
    }
    if (ours) {
      // Our own interrupt has done its job; the call's error already reports the abort.
      Thread.interrupted();
    }
  }
}
