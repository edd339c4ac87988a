package io.himoe.experts.llm;

import org.jspecify.annotations.Nullable;

/**
 * A model call that failed for a reason on the model's side (HTTP status, unreadable response, open
 * circuit, ...). Deadline and caller cancellation are not reported with this type but with the core
 * {@code MoeError.DeadlineExceeded} and {@code MoeError.Cancelled}. The message names the endpoint,
 * the model and the problem, never the API key.
 */
public final class LlmException extends RuntimeException {

  /** Why a call failed; {@link #retryable()} says whether trying again may help. */
  public enum Kind {
    /** HTTP 429: the endpoint asks us to slow down. */
    RATE_LIMITED(true, true),
    /** HTTP 5xx. */
    SERVER_ERROR(true, true),
    /** The endpoint did not answer within its own timeout (not the request deadline). */
    TIMEOUT(true, true),
    /** Connection refused, reset or unresolvable host. */
    NETWORK(true, true),
    /** A 2xx response that could not be read as a chat completion, or an empty answer. */
    BAD_RESPONSE(true, true),
    /** HTTP 401/403: the API key is missing or wrong. */
    AUTHENTICATION(false, false),
    /** Another HTTP 4xx: the request itself is wrong (unknown model, bad parameter). */
    BAD_REQUEST(false, false),
    /** The endpoint's circuit breaker is open after repeated failures. */
    CIRCUIT_OPEN(false, false),
    /** A streamed answer broke after tokens had been delivered; it cannot be retried. */
    STREAM_BROKEN(false, true);

    private final boolean retryable;
    private final boolean endpointFault;

    Kind(boolean retryable, boolean endpointFault) {
      this.retryable = retryable;
      this.endpointFault = endpointFault;
    }

    /**
     * @return whether another attempt may succeed
     */
    public boolean retryable() {
      return retryable;
    }

    /**
     * @return whether this failure says something about the endpoint's health (counted by its
     *     circuit breaker)
     */
    public boolean endpointFault() {
      return endpointFault;
    }
  }

  private final Kind kind;
  private final String endpoint;
  private final transient java.time.@Nullable Duration retryAfter;

  /**
   * @param kind the kind of failure
   * @param endpoint the endpoint (client) name
   * @param detail what happened
   * @param cause the underlying failure, or {@code null}
   */
  public LlmException(Kind kind, String endpoint, String detail, @Nullable Throwable cause) {
    this(kind, endpoint, detail, cause, null);
  }

  /**
   * @param kind the kind of failure
   * @param endpoint the endpoint (client) name
   * @param detail what happened
   * @param cause the underlying failure, or {@code null}
   * @param retryAfter how long the endpoint asked us to wait (its {@code Retry-After}), or {@code
   *     null}
   */
  public LlmException(
      Kind kind,
      String endpoint,
      String detail,
      @Nullable Throwable cause,
      java.time.@Nullable Duration retryAfter) {
    super(
        "llm endpoint "
            + endpoint
            + ": "
            + kind.name().toLowerCase()
            + ": "
            + detail
            + (retryAfter == null ? "" : " (retry after " + retryAfter.toMillis() + " ms)"),
        cause);
    this.kind = kind;
    this.endpoint = endpoint;
    this.retryAfter = retryAfter;
  }

  /**
   * @return how long the endpoint asked us to wait before trying again ({@code Retry-After} on a
   *     429 or 503), if it said
   */
  public java.util.Optional<java.time.Duration> retryAfter() {
    return java.util.Optional.ofNullable(retryAfter);
  }

  /**
   * @return the kind of failure
   */
  public Kind kind() {
    return kind;
  }

  /**
   * @return the endpoint (client) name
   */
  public String endpoint() {
    return endpoint;
  }
}
