package io.himoe.experts.llm;

import io.himoe.experts.llm.internal.CallScope;
import io.himoe.shared.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ties one model call to its request: cancelling the request or reaching its deadline cancels the
 * call's {@link CallScope} (which aborts the HTTP exchange) and interrupts the calling thread
 * (which stops models whose HTTP client we do not control). Closed when the call ends, so that a
 * late cancel never interrupts the thread while it does something else.
 */
final class CallGuard implements AutoCloseable {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final CallScope scope;
  private final Thread caller;
  private Runnable unregister = () -> {};
  private ScheduledFuture<?> deadlineTask;
  private boolean closed;

  private CallGuard(CallScope scope, Thread caller) {
    this.scope = scope;
    this.caller = caller;
  }

  /**
   * @param ctx the request
   * @param callTimeout the endpoint's own limit for one call, or {@code null} for none
   * @return the guard; the call is aborted with reason {@code cancelled}, {@code deadline} or
   *     {@code timeout} (the endpoint's limit came first)
   */
  static CallGuard start(Context ctx, Duration callTimeout) {
    Duration left = ctx.remaining();
    boolean endpointFirst = callTimeout != null && callTimeout.compareTo(left) < 0;
    Instant end = endpointFirst ? ctx.clock().instant().plus(callTimeout) : ctx.deadline();
    CallGuard g =
        new CallGuard(new CallScope(end, ctx.clock(), ctx.traceId()), Thread.currentThread());
    g.unregister = ctx.cancel().onCancel(() -> g.abort("cancelled"));
    String reason = endpointFirst ? "timeout" : "deadline";
    long nanos = (endpointFirst ? callTimeout : left).toNanos();
    g.deadlineTask = TIMER.schedule(() -> g.abort(reason), nanos, TimeUnit.NANOSECONDS);
    return g;
  }

  CallScope scope() {
    return scope;
  }

  private void abort(String reason) {
    scope.cancel(reason);
    synchronized (this) {
      if (!closed) {
        caller.interrupt();
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    unregister.run();
    deadlineTask.cancel(false);
    if (scope.cancelReason() != null) {
      // Our own interrupt has done its job; the call's error already reports the cancel.
      Thread.interrupted();
    }
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "himoe-llm-deadline");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}
