package io.himoe.server.assembly;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.llm.LlmException;
import io.himoe.server.config.GuardSpec;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The resilience4j guard of one expert, applied to each call in a fixed order: {@link Bulkhead}
 * (calls in flight; resized by the runtime modes), {@link CircuitBreaker} (fails fast while the
 * expert keeps failing, then lets trial calls through), {@link Retry} (deadline-aware, honours
 * {@code Retry-After}), {@link TimeLimiter} (a per-call limit shorter than the deadline) and {@link
 * RateLimiter}. A call refused by the guard fails at once with a message that says why, so the
 * router can go elsewhere.
 *
 * <p>What counts against the breaker: any failure, and a call still running when the request's
 * deadline passed; not a cancel by the caller nor a client mistake (invalid input).
 */
final class ExpertGuard {

  /** The call in progress on this thread, read by the retry's predicate. */
  private static final ScopedValue<Attempts> CURRENT = ScopedValue.newInstance();

  /** A retried call's context and how many attempts it has made. */
  private static final class Attempts {
    final Context ctx;
    final java.util.function.BooleanSupplier retryAllowed;
    int made;

    Attempts(Context ctx, java.util.function.BooleanSupplier retryAllowed) {
      this.ctx = ctx;
      this.retryAllowed = retryAllowed;
    }
  }

  private final String expert;
  private final Optional<Bulkhead> bulkhead;
  private final Optional<CircuitBreaker> breaker;
  private final Optional<Retry> retry;
  private final Optional<TimeLimiter> timeLimiter;
  private final Optional<RateLimiter> rateLimiter;
  // Null exactly when there is no time limiter.
  private final @Nullable Duration timeLimit;
  private final Duration minAttempt;
  private final int maxConcurrent;
  private final Duration maxWait;
  private volatile Duration typicalLatency = Duration.ZERO;

  private ExpertGuard(
      String expert,
      GuardSpec spec,
      CircuitBreakerRegistry breakers,
      Clock clock,
      java.util.OptionalInt modeLimit,
      Duration maxWait) {
    this.expert = expert;
    this.maxConcurrent = spec.maxConcurrent().orElse(Integer.MAX_VALUE);
    this.maxWait = maxWait;
    this.bulkhead =
        spec.maxConcurrent().isEmpty() && modeLimit.isEmpty()
            ? Optional.empty()
            : Optional.of(
                Bulkhead.of(
                    expert,
                    BulkheadConfig.custom()
                        .maxConcurrentCalls(
                            Math.min(maxConcurrent, modeLimit.orElse(Integer.MAX_VALUE)))
                        // Never blocks: acquireSlot waits, bounded by the request's deadline.
                        .maxWaitDuration(Duration.ZERO)
                        .build()));
    GuardSpec.Breaker b = spec.breaker();
    this.breaker =
        b.enabled()
            ? Optional.of(
                breakers.circuitBreaker(
                    expert,
                    CircuitBreakerConfig.custom()
                        .failureRateThreshold(b.failureRatePercent())
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(b.window())
                        .minimumNumberOfCalls(b.minCalls())
                        .waitDurationInOpenState(b.open())
                        .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
                        .clock(clock)
                        .build()))
            : Optional.empty();
    GuardSpec.Retry r = spec.retry();
    this.minAttempt = Duration.ofMillis(1);
    this.retry =
        r.maxAttempts() <= 1
            ? Optional.empty()
            : Optional.of(
                Retry.of(
                    expert,
                    RetryConfig.custom()
                        .maxAttempts(r.maxAttempts())
                        .intervalBiFunction(
                            (attempt, outcome) ->
                                waitBefore(
                                        r.backoff(),
                                        attempt,
                                        outcome.isLeft() ? outcome.getLeft() : null)
                                    .toMillis())
                        .retryOnException(t -> shouldRetry(t, r.backoff()))
                        .failAfterMaxAttempts(false)
                        .build()));
    this.timeLimit = spec.timeLimit().orElse(null);
    this.timeLimiter =
        spec.timeLimit()
            .map(
                t ->
                    TimeLimiter.of(
                        expert,
                        TimeLimiterConfig.custom()
                            .timeoutDuration(t)
                            .cancelRunningFuture(true)
                            .build()));
    this.rateLimiter =
        spec.rateLimit()
            .map(
                rl ->
                    RateLimiter.of(
                        expert,
                        RateLimiterConfig.custom()
                            .limitForPeriod(rl.calls())
                            .limitRefreshPeriod(rl.period())
                            .timeoutDuration(Duration.ZERO)
                            .build()));
  }

  /**
   * @param expert the expert's name
   * @param spec its guard settings
   * @param breakers where its breaker is registered (for metrics)
   * @param clock the breaker's clock
   * @param modeLimit the runtime mode's calls in flight per expert, or empty without a runtime
   * @param maxWait how long a call waits for a free slot at most
   * @return the guard; it has a bulkhead when {@code max_instances} or a runtime mode limits
   *     concurrency, sized to the smaller of the two
   */
  static ExpertGuard create(
      String expert,
      GuardSpec spec,
      CircuitBreakerRegistry breakers,
      Clock clock,
      java.util.OptionalInt modeLimit,
      Duration maxWait) {
    return new ExpertGuard(expert, spec, breakers, clock, modeLimit, maxWait);
  }

  /**
   * @return the breaker's state, or empty when the expert has none
   */
  Optional<CircuitBreaker.State> circuitState() {
    return breaker.map(CircuitBreaker::getState);
  }

  /**
   * @return the bulkhead's current size, or {@link Integer#MAX_VALUE} without one
   */
  int concurrencyLimit() {
    return bulkhead.map(b -> b.getBulkheadConfig().getMaxConcurrentCalls()).orElse(maxConcurrent);
  }

  /**
   * Resizes the bulkhead (the runtime modes call this on every mode change).
   *
   * @param limit the new size, at most the configured {@code max_instances}
   */
  void resize(int limit) {
    bulkhead.ifPresent(
        b ->
            b.changeConfig(
                BulkheadConfig.from(b.getBulkheadConfig())
                    .maxConcurrentCalls(Math.max(1, Math.min(limit, maxConcurrent)))
                    .build()));
  }

  /**
   * Runs one call of the expert under the guard.
   *
   * @param ctx the call's context
   * @param call the call, given the context it must run under (shorter with a time limit)
   * @param retryAllowed asked before a retry (a stream retries only before its first token)
   * @return the answer
   * @throws Exception the call's failure, or {@link MoeError.ExpertFailed} when the guard refused
   */
  ExpertOut call(Context ctx, GuardedCall call, java.util.function.BooleanSupplier retryAllowed)
      throws Exception {
    if (bulkhead.isPresent() && !acquireSlot(bulkhead.get(), ctx)) {
      ctx.checkAlive("guard of " + expert);
      throw new MoeError.ExpertFailed(
          expert,
          new MoeError.Overloaded(
              "expert "
                  + expert
                  + " at capacity ("
                  + concurrencyLimit()
                  + " calls in flight) until its wait for a slot ran out",
              Duration.ofSeconds(1)));
    }
    try {
      long t0 = System.nanoTime();
      ExpertOut out = broken(ctx, call, retryAllowed);
      typicalLatency = Duration.ofNanos(System.nanoTime() - t0);
      return out;
    } finally {
      bulkhead.ifPresent(Bulkhead::onComplete);
    }
  }

  /**
   * The least time kept for the call after waiting for a slot (before the expert's latency is
   * known): a request that waited that long is answered "busy" rather than cut at its deadline.
   */
  private static final Duration SLOT_SLACK = Duration.ofMillis(50);

  /** Poll interval while waiting for a free slot of a full bulkhead. */
  private static final long SLOT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /**
   * Takes a slot of the bulkhead, waiting while it is full at most {@code maxWait} and never so
   * long that the call itself (its typical latency) no longer fits the request's deadline: a
   * request that cannot be served in time is told at once that the server is busy (503, retry
   * later) instead of waiting for its deadline (504).
   */
  private boolean acquireSlot(Bulkhead b, Context ctx) {
    if (b.tryAcquirePermission()) {
      return true;
    }
    Duration expected = typicalLatency.compareTo(SLOT_SLACK) > 0 ? typicalLatency : SLOT_SLACK;
    Duration wait = ctx.remaining().minus(expected);
    wait = wait.compareTo(maxWait) < 0 ? wait : maxWait;
    long giveUpAt = System.nanoTime() + Math.max(0, wait.toNanos());
    while (System.nanoTime() < giveUpAt && !ctx.cancel().isCancelled()) {
      java.util.concurrent.locks.LockSupport.parkNanos(SLOT_POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
      if (b.tryAcquirePermission()) {
        return true;
      }
    }
    return false;
  }

  private ExpertOut broken(
      Context ctx, GuardedCall call, java.util.function.BooleanSupplier retryAllowed)
      throws Exception {
    if (breaker.isEmpty()) {
      return retried(ctx, call, retryAllowed);
    }
    CircuitBreaker cb = breaker.get();
    if (!cb.tryAcquirePermission()) {
      throw new MoeError.ExpertFailed(
          expert, "circuit open after repeated failures (trial calls follow after its wait)");
    }
    long t0 = System.nanoTime();
    try {
      ExpertOut out = retried(ctx, call, retryAllowed);
      cb.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      return out;
    } catch (Exception e) {
      if (countsAgainst(e, ctx)) {
        cb.onError(System.nanoTime() - t0, TimeUnit.NANOSECONDS, e);
      } else {
        cb.releasePermission();
      }
      throw e;
    } catch (Error e) {
      cb.releasePermission();
      throw e;
    }
  }

  private ExpertOut retried(
      Context ctx, GuardedCall call, java.util.function.BooleanSupplier retryAllowed)
      throws Exception {
    if (retry.isEmpty()) {
      return limited(ctx, call);
    }
    Attempts attempts = new Attempts(ctx, retryAllowed);
    return ScopedValue.where(CURRENT, attempts)
        .call(
            () ->
                retry
                    .get()
                    .executeCallable(
                        () -> {
                          attempts.made++;
                          return limited(ctx, call);
                        }));
  }

  private ExpertOut limited(Context ctx, GuardedCall call) throws Exception {
    if (rateLimiter.isPresent() && !rateLimiter.get().acquirePermission()) {
      var rl = rateLimiter.get().getRateLimiterConfig();
      throw new MoeError.ExpertFailed(
          expert,
          new MoeError.Overloaded(
              "expert "
                  + expert
                  + " reached its rate limit of "
                  + rl.getLimitForPeriod()
                  + " calls per "
                  + rl.getLimitRefreshPeriod().toMillis()
                  + " ms",
              rl.getLimitRefreshPeriod()));
    }
    Duration limit = timeLimit;
    if (limit == null || timeLimiter.isEmpty() || ctx.remaining().compareTo(limit) <= 0) {
      return call.run(ctx);
    }
    // The expert sees the shorter deadline (cooperative experts stop themselves); the time
    // limiter interrupts one that does not.
    Context limitedCtx = ctx.withDeadline(ctx.clock().instant().plus(limit));
    FutureTask<ExpertOut> task = new FutureTask<>(() -> call.run(limitedCtx));
    Thread.ofVirtual().name("himoe-guard-" + expert).start(task);
    try {
      return timeLimiter.get().executeFutureSupplier(() -> task);
    } catch (TimeoutException e) {
      throw new MoeError.ExpertFailed(
          expert, "no answer within its time limit of " + limit.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new MoeError.Cancelled("guard of " + expert);
    }
  }

  private boolean shouldRetry(Throwable t, Duration backoff) {
    Attempts attempts = CURRENT.get();
    Context ctx = attempts.ctx;
    if (!countsAgainst(t, ctx) || ctx.cancel().isCancelled()) {
      return false;
    }
    if (!attempts.retryAllowed.getAsBoolean()) {
      return false;
    }
    Duration expected = typicalLatency.compareTo(minAttempt) > 0 ? typicalLatency : minAttempt;
    return ctx.remaining().compareTo(waitBefore(backoff, attempts.made, t).plus(expected)) > 0;
  }

  /** The backoff (doubling per attempt), or the longer wait an endpoint asked for. */
  private static Duration waitBefore(Duration backoff, int attempt, @Nullable Throwable failure) {
    Duration wait = backoff.multipliedBy(1L << Math.min(attempt - 1, 16));
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof LlmException le
          && le.retryAfter().isPresent()
          && le.retryAfter().get().compareTo(wait) > 0) {
        return le.retryAfter().get();
      }
    }
    return wait;
  }

  /**
   * Whether a failure says something about the expert: not a cancel by the caller before the
   * deadline, nor a client mistake.
   */
  private static boolean countsAgainst(Throwable e, Context ctx) {
    if (MoeError.isClientMistake(e) || e instanceof MoeError.CpuBudgetExceeded) {
      // The request's input or its CPU budget, not the expert.
      return false;
    }
    if (e.getCause() instanceof MoeError.Overloaded) {
      // Our own rate limit refused the call: the expert did nothing wrong.
      return false;
    }
    if (e instanceof MoeError.Cancelled || e instanceof InterruptedException) {
      return ctx.isExpired();
    }
    return true;
  }

  /** One call of the guarded expert under the given context. */
  @FunctionalInterface
  interface GuardedCall {
    /**
     * @param ctx the context the call runs under
     * @return the answer
     * @throws Exception the call's failure
     */
    ExpertOut run(Context ctx) throws Exception;
  }
}
