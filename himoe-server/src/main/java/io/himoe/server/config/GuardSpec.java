package io.himoe.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The guard in front of one expert (resilience4j), as the {@code guard} section of an expert and
 * its {@code max_instances}: a bulkhead, a circuit breaker, retries, a time limit and a rate limit.
 * Ranges are checked by {@link ExpertSpecs}, which names the field of any bad value.
 *
 * @param maxConcurrent calls in flight at once (the bulkhead; {@code max_instances}), or empty for
 *     no limit beyond the runtime mode's
 * @param breaker the expert's circuit breaker
 * @param retry retries of a failed call
 * @param timeLimit the longest one call may take, when shorter than the request's deadline
 * @param rateLimit calls allowed per period, or empty for no limit
 * @param maxInputChars the longest text (characters of the text the expert reads: a conversation's
 *     last user turn) accepted; a longer one is refused at once as the client's mistake (re-routed;
 *     a 422 naming the limit when no expert takes it), or empty for the kind's default ({@code
 *     knowledge}: 8,192; others: none of the guard's own)
 * @param maxInputTokens the most prompt tokens (counted with the o200k_base tokenizer over what the
 *     expert reads: a conversation's messages, else the text) accepted; more is refused like {@code
 *     maxInputChars}, or empty for no token limit
 */
public record GuardSpec(
    OptionalInt maxConcurrent,
    Breaker breaker,
    Retry retry,
    Optional<Duration> timeLimit,
    Optional<RateLimit> rateLimit,
    OptionalInt maxInputChars,
    OptionalInt maxInputTokens) {

  /**
   * Without a token limit (the form before {@code max_input_tokens}).
   *
   * @param maxConcurrent see the record
   * @param breaker see the record
   * @param retry see the record
   * @param timeLimit see the record
   * @param rateLimit see the record
   * @param maxInputChars see the record
   */
  public GuardSpec(
      OptionalInt maxConcurrent,
      Breaker breaker,
      Retry retry,
      Optional<Duration> timeLimit,
      Optional<RateLimit> rateLimit,
      OptionalInt maxInputChars) {
    this(maxConcurrent, breaker, retry, timeLimit, rateLimit, maxInputChars, OptionalInt.empty());
  }

  /**
   * The defaults: no bulkhead, a breaker with its defaults, no retry, no time or rate limit, the
   * kind's input limit.
   */
  public static final GuardSpec DEFAULT =
      new GuardSpec(
          OptionalInt.empty(),
          Breaker.DEFAULT,
          Retry.NONE,
          Optional.empty(),
          Optional.empty(),
          OptionalInt.empty());

  /**
   * The YAML form (keys in snake_case; absent keys take the defaults).
   *
   * @param breaker {@code breaker}
   * @param retry {@code retry}
   * @param timeLimitMs {@code time_limit_ms}
   * @param rateLimit {@code rate_limit}
   * @param maxInputChars {@code max_input_chars}
   * @param maxInputTokens {@code max_input_tokens}
   * @return the guard (without {@code max_instances}, which sits on the expert)
   */
  @JsonCreator
  public static GuardSpec of(
      @JsonProperty("breaker") Breaker breaker,
      @JsonProperty("retry") Retry retry,
      @JsonProperty("time_limit_ms") Long timeLimitMs,
      @JsonProperty("rate_limit") RateLimit rateLimit,
      @JsonProperty("max_input_chars") Integer maxInputChars,
      @JsonProperty("max_input_tokens") Integer maxInputTokens) {
    return new GuardSpec(
        OptionalInt.empty(),
        breaker == null ? Breaker.DEFAULT : breaker,
        retry == null ? Retry.NONE : retry,
        Optional.ofNullable(timeLimitMs).map(Duration::ofMillis),
        Optional.ofNullable(rateLimit),
        maxInputChars == null ? OptionalInt.empty() : OptionalInt.of(maxInputChars),
        maxInputTokens == null ? OptionalInt.empty() : OptionalInt.of(maxInputTokens));
  }

  /**
   * @param max calls in flight at once, or empty
   * @return a copy with that bulkhead size
   */
  public GuardSpec withMaxConcurrent(OptionalInt max) {
    return new GuardSpec(max, breaker, retry, timeLimit, rateLimit, maxInputChars, maxInputTokens);
  }

  /**
   * @param b breaker settings
   * @return a copy with them
   */
  public GuardSpec withBreaker(Breaker b) {
    return new GuardSpec(
        maxConcurrent, b, retry, timeLimit, rateLimit, maxInputChars, maxInputTokens);
  }

  /**
   * @param r retry settings
   * @return a copy with them
   */
  public GuardSpec withRetry(Retry r) {
    return new GuardSpec(
        maxConcurrent, breaker, r, timeLimit, rateLimit, maxInputChars, maxInputTokens);
  }

  /**
   * @param t the time limit, or empty for none
   * @return a copy with it
   */
  public GuardSpec withTimeLimit(Optional<Duration> t) {
    return new GuardSpec(
        maxConcurrent, breaker, retry, t, rateLimit, maxInputChars, maxInputTokens);
  }

  /**
   * @param r the rate limit, or empty for none
   * @return a copy with it
   */
  public GuardSpec withRateLimit(Optional<RateLimit> r) {
    return new GuardSpec(
        maxConcurrent, breaker, retry, timeLimit, r, maxInputChars, maxInputTokens);
  }

  /**
   * @param max the longest accepted text in characters, or empty for the kind's default
   * @return a copy with it
   */
  public GuardSpec withMaxInputChars(OptionalInt max) {
    return new GuardSpec(maxConcurrent, breaker, retry, timeLimit, rateLimit, max, maxInputTokens);
  }

  /**
   * @param max the most prompt tokens accepted, or empty for no token limit
   * @return a copy with it
   */
  public GuardSpec withMaxInputTokens(OptionalInt max) {
    return new GuardSpec(maxConcurrent, breaker, retry, timeLimit, rateLimit, maxInputChars, max);
  }

  /**
   * The expert's circuit breaker: it opens when, over the last {@code window} calls (at least
   * {@code minCalls} of them), the failure rate reaches {@code failureRatePercent}; an open breaker
   * refuses calls for {@code open}, then lets {@code halfOpenCalls} trial calls through. Cancelled
   * calls and client mistakes are not failures; a call still running at the deadline is.
   *
   * @param enabled whether the breaker is used, default true
   * @param failureRatePercent failure rate that opens it, in (0, 100], default 50
   * @param window calls the rate is computed over, default 20
   * @param minCalls calls before the rate is judged, default 10
   * @param open how long it stays open before trial calls, default 10 s
   * @param halfOpenCalls trial calls in the half-open state, default 2
   */
  public record Breaker(
      boolean enabled,
      float failureRatePercent,
      int window,
      int minCalls,
      Duration open,
      int halfOpenCalls) {

    /** The defaults. */
    public static final Breaker DEFAULT = new Breaker(true, 50f, 20, 10, Duration.ofSeconds(10), 2);

    /**
     * @param enabled {@code enabled}
     * @param failureRate {@code failure_rate}
     * @param window {@code window}
     * @param minCalls {@code min_calls}
     * @param openMs {@code open_ms}
     * @param halfOpenCalls {@code half_open_calls}
     * @return the breaker settings
     */
    @JsonCreator
    public static Breaker of(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("failure_rate") Double failureRate,
        @JsonProperty("window") Integer window,
        @JsonProperty("min_calls") Integer minCalls,
        @JsonProperty("open_ms") Long openMs,
        @JsonProperty("half_open_calls") Integer halfOpenCalls) {
      return new Breaker(
          enabled == null || enabled,
          failureRate == null ? DEFAULT.failureRatePercent : failureRate.floatValue(),
          window == null ? DEFAULT.window : window,
          minCalls == null ? DEFAULT.minCalls : minCalls,
          openMs == null ? DEFAULT.open : Duration.ofMillis(openMs),
          halfOpenCalls == null ? DEFAULT.halfOpenCalls : halfOpenCalls);
    }
  }

  /**
   * Retries of a failed call (resilience4j {@code Retry}): a retry starts only when the wait plus
   * the expert's expected latency fits in the time left, and waits at least as long as an
   * endpoint's {@code Retry-After}. Cancelled calls and client mistakes are never retried.
   *
   * @param maxAttempts attempts including the first, default 1 (no retry; {@code llm} experts retry
   *     per model on their own)
   * @param backoff wait before the second attempt, doubling after, default 100 ms
   */
  public record Retry(int maxAttempts, Duration backoff) {

    /** No retry. */
    public static final Retry NONE = new Retry(1, Duration.ofMillis(100));

    /**
     * @param maxAttempts {@code max_attempts}
     * @param backoffMs {@code backoff_ms}
     * @return the retry settings
     */
    @JsonCreator
    public static Retry of(
        @JsonProperty("max_attempts") Integer maxAttempts,
        @JsonProperty("backoff_ms") Long backoffMs) {
      return new Retry(
          maxAttempts == null ? 1 : maxAttempts,
          backoffMs == null ? NONE.backoff : Duration.ofMillis(backoffMs));
    }
  }

  /**
   * A rate limit (resilience4j {@code RateLimiter}): at most {@code calls} per {@code period}; a
   * call over the limit fails at once (the router can re-route it).
   *
   * @param calls calls per period, &gt;= 1
   * @param period the period, default 1 s
   */
  public record RateLimit(int calls, Duration period) {
    /**
     * @param calls {@code calls}
     * @param periodMs {@code period_ms}
     * @return the rate limit
     */
    @JsonCreator
    public static RateLimit of(
        @JsonProperty("calls") Integer calls, @JsonProperty("period_ms") Long periodMs) {
      return new RateLimit(
          calls == null ? 0 : calls, Duration.ofMillis(periodMs == null ? 1000 : periodMs));
    }
  }
}
