package io.himoe.engine;

import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.CpuBudget;
import io.himoe.shared.CpuMeter;
import io.himoe.shared.MoeError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs a request under its {@link CpuBudget}: the pipeline runs on a platform thread under a {@link
 * CpuMeter} (whose expert calls then run on platform threads that it meters too), while the caller
 * watches the meter. When the CPU time spent passes the budget, the caller cancels the request's
 * work (its own child token: experts see a cancel, calls are dropped, threads interrupted) and
 * throws {@link MoeError.CpuBudgetExceeded} at once; the pipeline also stops by itself at its next
 * stage or expert-call boundary ({@link CpuMeter#checkBudget}). A request without a budget runs on
 * the caller's thread, unmetered.
 *
 * <p>The watch wakes when the budget could first run out: the budget left divided by the threads
 * running (each spends at most 1 ms of CPU per ms), at least every {@value #MIN_WAIT_NANOS} ns, so
 * a generous budget costs a few wake-ups and a tight one is enforced within about a millisecond of
 * CPU per running thread.
 */
final class CpuBudgetedRun {

  static final long MIN_WAIT_NANOS = 1_000_000;

  private CpuBudgetedRun() {}

  /**
   * @param ctx the request (its {@link Context#cpuBudget()})
   * @param work the pipeline, given the context to run under
   * @param <T> its result
   * @return what the pipeline returned
   * @throws MoeError.CpuBudgetExceeded when the budget ran out
   */
  static <T> T run(Context ctx, Function<Context, T> work) {
    CpuBudget budget = ctx.cpuBudget();
    if (!budget.isLimited()) {
      return work.apply(ctx);
    }
    CpuMeter meter = new CpuMeter(budget);
    CancelToken token = ctx.cancel().child();
    Context metered = ctx.withCancel(token);
    CompletableFuture<T> result = new CompletableFuture<>();
    // On one of the meter's pooled platform threads (starting a thread per request cost more than
    // a cheap request).
    CpuMeter.startCall(
        () ->
            meter.measure(
                () -> {
                  try {
                    result.complete(work.apply(metered));
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                  return null;
                }));
    try {
      long limit = budget.limitNanos();
      while (true) {
        long used = meter.liveNanos();
        if (used > limit && !result.isDone()) {
          token.cancel();
          throw meter.exceeded(used, "cpu watch");
        }
        long wait = Math.max(MIN_WAIT_NANOS, (limit - used) / Math.max(1, meter.runningThreads()));
        try {
          return result.get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          // Not done yet: look at the meter again.
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        } catch (InterruptedException e) {
          token.cancel();
          Thread.currentThread().interrupt();
          throw new MoeError.Cancelled("cpu watch");
        }
      }
    } finally {
      token.detach();
    }
  }

  private static RuntimeException rethrow(@Nullable Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(cause);
  }
}
