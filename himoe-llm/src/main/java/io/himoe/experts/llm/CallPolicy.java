package io.himoe.experts.llm;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How an LLM expert's calls are retried, on one resilience4j {@link Retry} per expert (whose
 * metrics count calls with and without retries). A failed attempt is tried again when its failure
 * is retryable (or the model's circuit is open and another model is free), after the policy's
 * backoff or the longer wait the endpoint asked for ({@code Retry-After}), and only when that wait
 * plus the next model's expected latency fits in the time left: a retry that cannot finish in time
 * is not started. Cancelling the request or interrupting the thread ends the call at once, during
 * an attempt (its {@link CallGuard}) or a wait.
 */
final class CallPolicy {

  /** The call in progress on this thread, read by the retry's predicates. */
  private static final ScopedValue<CallState> CURRENT = ScopedValue.newInstance();

  /**
   * A finished call.
   *
   * @param result the successful attempt
   * @param attempts attempts made, including failed ones
   */
  record Done(ModelCall.Result result, int attempts) {}

  /**
   * One attempt as the policy starts it.
   *
   * @param failed models that failed earlier in this call
   * @param number the attempt's number, 1-based
   */
  record Attempt(Set<LlmClient> failed, int number) {}

  private final String expert;
  private final LlmPolicy policy;
  private final ClientPool pool;
  private final Retry retry;

  CallPolicy(String expert, LlmPolicy policy, ClientPool pool) {
    this.expert = expert;
    this.policy = policy;
    this.pool = pool;
    this.retry =
        Retry.of(
            "llm " + expert,
            RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalBiFunction(
                    (attempt, outcome) ->
                        waitBefore(attempt, outcome.isLeft() ? outcome.getLeft() : null).toMillis())
                .retryOnException(t -> CURRENT.get().shouldRetry(t))
                .failAfterMaxAttempts(false)
                .build());
  }

  /**
   * @return the expert's retry, for its metrics
   */
  Retry retry() {
    return retry;
  }

  /**
   * Runs attempts until one succeeds, a failure is not worth retrying, or no retry fits.
   *
   * @param ctx the request
   * @param retryAllowed asked before each retry (a stream may retry only before its first token)
   * @param attempt one attempt
   * @return the successful attempt and how many were made
   * @throws LlmException the last failure on the model's side
   * @throws MoeError.Cancelled when the request was cancelled or the thread interrupted
   * @throws MoeError.DeadlineExceeded when the deadline passed
   */
  Done execute(
      Context ctx, BooleanSupplier retryAllowed, Function<Attempt, ModelCall.Result> attempt) {
    CallState call = new CallState(ctx, retryAllowed);
    // A cancel during a backoff wait interrupts the wait; attempts have their own CallGuard.
    Runnable unregister = ctx.cancel().onCancel(call::interruptWait);
    try {
      ModelCall.Result r =
          ScopedValue.where(CURRENT, call)
              .call(
                  () ->
                      retry.executeCallable(
                          () -> {
                            int n = call.attempts.incrementAndGet();
                            return attempt.apply(new Attempt(call.failed, n));
                          }));
      return new Done(r, call.attempts.get());
    } catch (Exception e) {
      throw outcome(e, ctx);
    } finally {
      unregister.run();
      call.endWait();
    }
  }

  /** The error a failed call ends with: the request's fate first, then the model's failure. */
  private RuntimeException outcome(Exception e, Context ctx) {
    String stage = "llm " + expert;
    if (ctx.cancel().isCancelled()) {
      return e instanceof MoeError.Cancelled c ? c : new MoeError.Cancelled(stage);
    }
    if (e instanceof MoeError me) {
      return me;
    }
    if (Thread.currentThread().isInterrupted()) {
      // Interrupted during a wait: resilience4j rethrows the last failure and restores the flag.
      return new MoeError.Cancelled(stage + " (thread interrupted)");
    }
    if (e instanceof LlmException le) {
      return le;
    }
    if (ctx.isExpired()) {
      return new MoeError.DeadlineExceeded(stage);
    }
    return e instanceof RuntimeException re
        ? re
        : new LlmException(LlmException.Kind.BAD_RESPONSE, expert, String.valueOf(e), e);
  }

  /** The wait before the next attempt: the backoff, or longer when the endpoint asked. */
  private Duration waitBefore(int attempt, @Nullable Throwable failure) {
    Duration backoff = policy.backoff(attempt);
    if (failure instanceof LlmException le
        && le.retryAfter().isPresent()
        && le.retryAfter().get().compareTo(backoff) > 0) {
      return le.retryAfter().get();
    }
    return backoff;
  }

  /** The state of one call: its request, its attempts, the models that failed in it. */
  private final class CallState {
    final Context ctx;
    final BooleanSupplier retryAllowed;
    final AtomicInteger attempts = new AtomicInteger();
    final Set<LlmClient> failed = ConcurrentHashMap.newKeySet();
    private final Thread caller = Thread.currentThread();
    private boolean live = true;
    private boolean interrupted;

    CallState(Context ctx, BooleanSupplier retryAllowed) {
      this.ctx = ctx;
      this.retryAllowed = retryAllowed;
    }

    boolean shouldRetry(Throwable t) {
      if (!(t instanceof LlmException le)
          || ctx.cancel().isCancelled()
          || Thread.currentThread().isInterrupted()
          || !retryAllowed.getAsBoolean()) {
        return false;
      }
      LlmClient next = pool.peek(failed);
      boolean another = next != null && !failed.contains(next);
      if (!le.kind().retryable() && !(le.kind() == LlmException.Kind.CIRCUIT_OPEN && another)) {
        return false;
      }
      Duration expected = policy.minAttemptTime();
      if (next != null && next.expectedLatency().compareTo(expected) > 0) {
        expected = next.expectedLatency();
      }
      Duration needed = waitBefore(attempts.get(), le).plus(expected);
      return ctx.remaining().compareTo(needed) > 0;
    }

    synchronized void interruptWait() {
      if (live) {
        interrupted = true;
        caller.interrupt();
      }
    }

    synchronized void endWait() {
      live = false;
      if (interrupted) {
        // Our own interrupt has done its job; the error already reports the cancel.
        Thread.interrupted();
      }
    }
  }
}
