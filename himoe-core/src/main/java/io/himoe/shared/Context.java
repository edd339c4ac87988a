package io.himoe.shared;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The immutable context of one request: its time budget and deadline, its cost budget, its trace
 * id, its cancel token and a bounded request memory. Time comes from an injected clock, so tests
 * control it. Derive variants with the {@code with*} methods; each returns a new context.
 *
 * @param traceId the id that ties logs, traces and feedback together
 * @param budgetMs the time budget the request started with, in ms
 * @param deadline when the request must be answered
 * @param costBudget the cost budget in cost units (possibly shared with other requests)
 * @param cancel the request's cancel token
 * @param memory a bounded key-value memory for the request (TTL + LRU)
 * @param clock the time source deadlines are measured with
 * @param tokens where a streaming answer's tokens go as they come; {@link TokenListener#NONE} when
 *     the request does not stream
 * @param cpuBudget the CPU time its routing and expert calls may use ({@link CpuBudget#unlimited()}
 *     by default)
 */
public record Context(
    String traceId,
    long budgetMs,
    Instant deadline,
    CostBudget costBudget,
    CancelToken cancel,
    TtlLruCache<String, Object> memory,
    InstantSource clock,
    TokenListener tokens,
    CpuBudget cpuBudget) {

  /** Validates. */
  public Context {
    tokens = tokens == null ? TokenListener.NONE : tokens;
    cpuBudget = cpuBudget == null ? CpuBudget.unlimited() : cpuBudget;
    if (traceId == null || traceId.isBlank()) {
      throw new IllegalArgumentException("traceId is empty");
    }
    if (budgetMs <= 0) {
      throw new IllegalArgumentException("budget must be > 0 ms, got " + budgetMs);
    }
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(costBudget, "costBudget");
    Objects.requireNonNull(cancel, "cancel");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(clock, "clock");
  }

  /**
   * A context with the given time budget, an unlimited cost budget, a random trace id and the
   * system clock.
   *
   * @param budget the time budget, positive
   * @return the context
   */
  public static Context of(Duration budget) {
    return builder().budget(budget).build();
  }

  /**
   * @return a builder with defaults: 1 s budget, unlimited cost, random trace id, system clock
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the time left before the deadline, never negative
   */
  public Duration remaining() {
    Duration d = Duration.between(clock.instant(), deadline);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * @return the time left in ms, never negative
   */
  public long remainingMs() {
    return remaining().toMillis();
  }

  /**
   * @return whether the deadline has passed
   */
  public boolean isExpired() {
    return !clock.instant().isBefore(deadline);
  }

  /**
   * Throws when the request can no longer proceed: cancelled or past its deadline.
   *
   * @param stage the pipeline stage, for the error message
   * @throws MoeError.Cancelled if cancelled
   * @throws MoeError.DeadlineExceeded if the deadline has passed
   */
  public void checkAlive(String stage) {
    if (cancel.isCancelled()) {
      throw new MoeError.Cancelled(stage);
    }
    if (isExpired()) {
      throw new MoeError.DeadlineExceeded(stage);
    }
  }

  /**
   * @param newDeadline the deadline
   * @return a copy with that deadline (never later than this one's)
   */
  public Context withDeadline(Instant newDeadline) {
    Instant d = newDeadline.isBefore(deadline) ? newDeadline : deadline;
    return new Context(traceId, budgetMs, d, costBudget, cancel, memory, clock, tokens, cpuBudget);
  }

  /**
   * @param token the token
   * @return a copy with that cancel token
   */
  public Context withCancel(CancelToken token) {
    return new Context(
        traceId, budgetMs, deadline, costBudget, token, memory, clock, tokens, cpuBudget);
  }

  /**
   * @param budget the cost budget (e.g. a client's ceiling, capped by the server's)
   * @return a copy with that cost budget
   */
  public Context withCostBudget(CostBudget budget) {
    Objects.requireNonNull(budget, "budget");
    return new Context(
        traceId, budgetMs, deadline, budget, cancel, memory, clock, tokens, cpuBudget);
  }

  /**
   * @param budget the CPU-time budget (e.g. a client's, capped by the server's)
   * @return a copy with that CPU-time budget
   */
  public Context withCpuBudget(CpuBudget budget) {
    Objects.requireNonNull(budget, "budget");
    return new Context(
        traceId, budgetMs, deadline, costBudget, cancel, memory, clock, tokens, budget);
  }

  /**
   * @param id the trace id
   * @return a copy with that trace id
   */
  public Context withTraceId(String id) {
    return new Context(
        id, budgetMs, deadline, costBudget, cancel, memory, clock, tokens, cpuBudget);
  }

  /**
   * Streams this request: a router that calls a single {@link io.himoe.experts.StreamingExpert}
   * sends it the tokens as they come. Later stages, shadows, synthesis and cascades do not stream.
   *
   * @param listener receives the tokens
   * @return the same context, streaming to {@code listener}
   */
  public Context withTokens(TokenListener listener) {
    Objects.requireNonNull(listener, "listener");
    return new Context(
        traceId, budgetMs, deadline, costBudget, cancel, memory, clock, listener, cpuBudget);
  }

  /**
   * @return the same context without streaming
   */
  public Context withoutTokens() {
    return streaming()
        ? new Context(
            traceId,
            budgetMs,
            deadline,
            costBudget,
            cancel,
            memory,
            clock,
            TokenListener.NONE,
            cpuBudget)
        : this;
  }

  /**
   * @return whether the request streams its answer
   */
  public boolean streaming() {
    return tokens != TokenListener.NONE;
  }

  /**
   * A random (version 4) UUID from a fast generator: trace ids must be unique, not unguessable
   * (feedback is authorised by API key, not by knowing a trace id), and {@link UUID#randomUUID}
   * costs a SecureRandom call on every request.
   */
  static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** Builds a {@link Context}. */
  public static final class Builder {
    private Duration budget = Duration.ofSeconds(1);
    private CostBudget costBudget = CostBudget.unlimited();
    private @Nullable String traceId;
    private @Nullable CancelToken cancel;
    private InstantSource clock = InstantSource.system();
    private int memorySize = 64;
    private Duration memoryTtl = Duration.ofMinutes(5);
    private CpuBudget cpuBudget = CpuBudget.unlimited();

    private Builder() {}

    /**
     * @param cpuBudget the request's CPU-time budget
     * @return this builder
     */
    public Builder cpuBudget(CpuBudget cpuBudget) {
      this.cpuBudget = Objects.requireNonNull(cpuBudget, "cpuBudget");
      return this;
    }

    /**
     * @param budget the time budget, positive
     * @return this builder
     */
    public Builder budget(Duration budget) {
      if (budget == null || budget.isNegative() || budget.isZero()) {
        throw new IllegalArgumentException("budget must be > 0 ms, got " + budget);
      }
      this.budget = budget;
      return this;
    }

    /**
     * @param units a per-request cost budget in cost units
     * @return this builder
     */
    public Builder costBudget(double units) {
      this.costBudget = CostBudget.of(units);
      return this;
    }

    /**
     * @param shared a cost budget shared with other requests
     * @return this builder
     */
    public Builder costBudget(CostBudget shared) {
      this.costBudget = Objects.requireNonNull(shared, "costBudget");
      return this;
    }

    /**
     * @param traceId the trace id
     * @return this builder
     */
    public Builder traceId(String traceId) {
      this.traceId = traceId;
      return this;
    }

    /**
     * @param cancel the cancel token
     * @return this builder
     */
    public Builder cancel(CancelToken cancel) {
      this.cancel = cancel;
      return this;
    }

    /**
     * @param clock the time source
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param maxEntries request memory size
     * @param ttl request memory entry lifetime
     * @return this builder
     */
    public Builder memory(int maxEntries, Duration ttl) {
      this.memorySize = maxEntries;
      this.memoryTtl = ttl;
      return this;
    }

    /**
     * @return the context; its deadline is now + budget on the clock
     */
    public Context build() {
      String id = traceId != null ? traceId : newTraceId();
      return new Context(
          id,
          budget.toMillis() == 0 ? 1 : budget.toMillis(),
          clock.instant().plus(budget),
          costBudget,
          cancel != null ? cancel : CancelToken.create(),
          new TtlLruCache<>(memorySize, memoryTtl, clock),
          clock,
          TokenListener.NONE,
          cpuBudget);
    }
  }
}
