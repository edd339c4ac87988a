package io.himoe.runtime.integration;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.LearningExpert;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * An in-process model (a tagger, an index with an embedding model, a branched network) that takes
 * its working memory from a {@link MemoryPool}: each call leases the bytes its input needs for as
 * long as it runs, waits for them at most until the request's deadline (backpressure), and fails
 * with the pool's "memory exhausted" error when they never free up. The lease is always released,
 * whether the call answers, fails or is cancelled.
 */
public final class PooledExpert implements Expert {

  private final Expert inner;
  private final MemoryPool pool;
  private final ToLongFunction<InputData> bytesFor;

  private PooledExpert(Expert inner, MemoryPool pool, ToLongFunction<InputData> bytesFor) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.bytesFor = Objects.requireNonNull(bytesFor, "bytesFor");
  }

  /**
   * @param inner the expert whose calls use memory
   * @param pool the pool it takes memory from
   * @param bytesFor the working memory one call needs for an input, in bytes
   * @return the pooled expert, under the inner expert's name
   */
  public static PooledExpert wrap(
      Expert inner, MemoryPool pool, ToLongFunction<InputData> bytesFor) {
    return new PooledExpert(inner, pool, bytesFor);
  }

  /**
   * A common sizing: a fixed working set plus a cost per input character (tokens, activations).
   *
   * @param fixedBytes bytes every call needs, &gt;= 0
   * @param bytesPerChar bytes per character of the input's text, &gt;= 0
   * @return the sizing function
   */
  public static ToLongFunction<InputData> linear(long fixedBytes, long bytesPerChar) {
    if (fixedBytes < 0 || bytesPerChar < 0) {
      throw new IllegalArgumentException(
          "fixedBytes and bytesPerChar must be >= 0, got " + fixedBytes + ", " + bytesPerChar);
    }
    return input -> fixedBytes + bytesPerChar * input.toText().length();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public double canHandle(String task) {
    return inner.canHandle(task);
  }

  @Override
  public Optional<LearningExpert> asLearning() {
    return inner.asLearning();
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    long bytes = bytesFor.applyAsLong(input);
    Duration wait = ctx.remaining().isNegative() ? Duration.ZERO : ctx.remaining();
    try (MemoryPool.Lease _ = pool.acquire(bytes, wait)) {
      return inner.infer(input, ctx);
    }
  }
}
