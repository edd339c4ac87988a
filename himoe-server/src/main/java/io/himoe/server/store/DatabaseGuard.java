package io.himoe.server.store;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database calls made on the request path (per-key limits, sessions, A/B assignments), each with a
 * local answer for when the database cannot give one (a failed call takes the local answer too). A
 * call waits at most the pool's connect timeout for a connection and the query timeout for the
 * answer, so a database that stops answering without closing its connections (a frozen process, a
 * stalled network) costs a request a bounded wait, not a hang. A circuit breaker (resilience4j)
 * opens when half of the last 10 calls failed, so while the database is down requests take the
 * local answer at once instead of each waiting the pool's connect timeout; after {@code retryAfter}
 * one call tries the database again. Thread-safe.
 */
final class DatabaseGuard {

  /** One use of a database connection. */
  @FunctionalInterface
  interface SqlCall<T> {
    T run(Connection c) throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseGuard.class);

  private final DataSource ds;
  private final int queryTimeoutMs;
  private final CircuitBreaker breaker;
  private final AtomicLong localAnswers = new AtomicLong();

  /**
   * @param ds the pool
   * @param retryAfter how long the database is left alone after a failure
   * @param queryTimeoutMs how long a call waits for the database's answer (the connection's network
   *     timeout), in ms
   * @param clock the breaker's clock
   */
  DatabaseGuard(DataSource ds, Duration retryAfter, long queryTimeoutMs, InstantSource clock) {
    this.ds = ds;
    this.queryTimeoutMs = (int) Math.min(Integer.MAX_VALUE, queryTimeoutMs);
    this.breaker =
        CircuitBreaker.of(
            "himoe-store",
            CircuitBreakerConfig.custom()
                // Open when half of the last 10 calls failed (at least 4): a dead database fails
                // every call, while a pool briefly short of connections under a burst fails a few
                // and should not send every request to local answers.
                .slidingWindow(10, 4, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(retryAfter)
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(clock.withZone(ZoneOffset.UTC))
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              switch (e.getStateTransition().getToState()) {
                case OPEN ->
                    LOG.warn(
                        "shared store unreachable: per-key limits, sessions and A/B assignments are answered"
                            + " locally until it is back");
                case CLOSED -> LOG.info("shared store reachable again");
                default -> {}
              }
            });
  }

  /**
   * @param db the database call
   * @param local the answer when the database is down or fails
   * @return the database's answer, else the local one
   */
  <T> T call(SqlCall<T> db, Supplier<T> local) {
    if (!breaker.tryAcquirePermission()) {
      localAnswers.incrementAndGet();
      return local.get();
    }
    long start = System.nanoTime();
    T value;
    try (Connection c = ds.getConnection()) {
      // A frozen database answers nothing: the read times out (the pool resets the timeout when
      // the connection comes back to it).
      c.setNetworkTimeout(Runnable::run, queryTimeoutMs);
      value = db.run(c);
    } catch (SQLException e) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      LOG.debug("shared store call failed: {}", e.getMessage());
      localAnswers.incrementAndGet();
      return local.get();
    } catch (RuntimeException e) {
      breaker.releasePermission();
      throw e;
    }
    breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return value;
  }

  /**
   * @return whether the latest call reached the database (false while the breaker is open)
   */
  boolean up() {
    return breaker.getState() != CircuitBreaker.State.OPEN
        && breaker.getState() != CircuitBreaker.State.HALF_OPEN;
  }

  /** The database answered another caller: close the breaker (if open) without waiting. */
  void reachable() {
    if (breaker.getState() != CircuitBreaker.State.CLOSED) {
      breaker.transitionToClosedState();
    }
  }

  /**
   * @return calls answered locally since start (database down or failing)
   */
  long localAnswers() {
    return localAnswers.get();
  }
}
