package io.himoe.experts.llm;

import java.time.Duration;

/**
 * How an LLM expert retries and when an endpoint's circuit opens. Retries happen only while the
 * request's deadline leaves room for the backoff plus {@link #minAttemptTime}; a streamed answer is
 * retried only before its first token.
 *
 * @param maxAttempts attempts per call including the first, >= 1
 * @param initialBackoff wait before the second attempt
 * @param backoffMultiplier growth of the wait between attempts, >= 1
 * @param minAttemptTime the least time worth starting an attempt with; below it the call fails
 * @param failureRateThreshold percentage of failed calls (in the window) that opens a circuit, in
 *     (0, 100]
 * @param slidingWindowSize calls the failure rate is computed over, >= 1
 * @param minimumCalls calls needed before the failure rate is judged, >= 1
 * @param openDuration how long an open circuit refuses calls before letting probes through
 */
public record LlmPolicy(
    int maxAttempts,
    Duration initialBackoff,
    double backoffMultiplier,
    Duration minAttemptTime,
    float failureRateThreshold,
    int slidingWindowSize,
    int minimumCalls,
    Duration openDuration) {

  /** Validates. */
  public LlmPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    positive("initialBackoff", initialBackoff);
    if (!(backoffMultiplier >= 1) || Double.isInfinite(backoffMultiplier)) {
      throw new IllegalArgumentException(
          "backoffMultiplier must be finite and >= 1, got " + backoffMultiplier);
    }
    positive("minAttemptTime", minAttemptTime);
    if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
      throw new IllegalArgumentException(
          "failureRateThreshold must be in (0, 100], got " + failureRateThreshold);
    }
    if (slidingWindowSize < 1 || minimumCalls < 1) {
      throw new IllegalArgumentException(
          "slidingWindowSize and minimumCalls must be >= 1, got "
              + slidingWindowSize
              + " and "
              + minimumCalls);
    }
    positive("openDuration", openDuration);
  }

  /**
   * @return 3 attempts, 200 ms backoff doubling, 50 ms minimum attempt; circuit opens at 50%
   *     failures over 20 calls (at least 5), for 30 s
   */
  public static LlmPolicy ofDefaults() {
    return new LlmPolicy(
        3, Duration.ofMillis(200), 2.0, Duration.ofMillis(50), 50f, 20, 5, Duration.ofSeconds(30));
  }

  /**
   * @param attempts attempts per call including the first
   * @param backoff initial backoff
   * @return a copy with those retry settings
   */
  public LlmPolicy withRetries(int attempts, Duration backoff) {
    return new LlmPolicy(
        attempts,
        backoff,
        backoffMultiplier,
        minAttemptTime,
        failureRateThreshold,
        slidingWindowSize,
        minimumCalls,
        openDuration);
  }

  /**
   * @param thresholdPercent failure rate that opens the circuit
   * @param window calls in the window
   * @param minCalls calls before judging
   * @param open how long the circuit stays open
   * @return a copy with those circuit breaker settings
   */
  public LlmPolicy withCircuit(float thresholdPercent, int window, int minCalls, Duration open) {
    return new LlmPolicy(
        maxAttempts,
        initialBackoff,
        backoffMultiplier,
        minAttemptTime,
        thresholdPercent,
        window,
        minCalls,
        open);
  }

  /**
   * @param attempt the attempt that just failed, 1-based
   * @return the wait before the next attempt
   */
  public Duration backoff(int attempt) {
    double ms = initialBackoff.toMillis() * Math.pow(backoffMultiplier, attempt - 1);
    return Duration.ofMillis((long) Math.min(ms, 60_000));
  }

  private static void positive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be > 0, got " + d);
    }
  }
}
