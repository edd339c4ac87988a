package io.himoe.experts.llm;

import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Hedging to the next model of one LLM expert with several models ("The Tail at Scale", Dean and
 * Barroso, 2013): a non-streaming call runs alone on the model the pool picks for its recent
 * latency percentile (once that model has answered {@value #MIN_ANSWERS} times; at least {@value
 * #MIN_DELAY_MS} ms); if it has not answered by then, the same request goes to another model whose
 * circuit is closed. The first successful answer wins and the other call is cancelled (its request
 * token cancelled: its upstream connection is closed). A failure waits for the other call. The
 * loser's prompt is charged at its model's input price (a cancelled call may still be billed), and
 * the expert counts the hedges it started and those the second model won.
 */
final class ModelHedging {

  static final int MIN_ANSWERS = 20;
  static final long MIN_DELAY_MS = 1;

  /** One call of the expert on a context, avoiding a model, telling which model it uses. */
  @FunctionalInterface
  interface Call {
    /**
     * @param ctx the context of this call
     * @param avoid a model not to use first (the late one), or null
     * @param onModel told the model each attempt uses
     * @return the answer
     */
    LlmAnswer run(Context ctx, @Nullable LlmClient avoid, Consumer<LlmClient> onModel);
  }

  private final double percentile;
  private final ClientPool pool;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong won = new AtomicLong();

  /**
   * @param percentile the percentile of a model's recent answer latencies after which it is hedged,
   *     in (0, 100]
   * @param pool the expert's models
   */
  ModelHedging(double percentile, ClientPool pool) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("hedge percentile must be in (0, 100], got " + percentile);
    }
    this.percentile = percentile;
    this.pool = pool;
  }

  long started() {
    return started.get();
  }

  long won() {
    return won.get();
  }

  /**
   * @param ctx the request (not streaming)
   * @param promptTokens the request's prompt tokens, to charge a losing call
   * @param call the call
   * @return the first good answer
   */
  LlmAnswer complete(Context ctx, long promptTokens, Call call) {
    LlmClient first = pool.peek(Set.of());
    if (first == null) {
      return call.run(ctx, null, m -> {});
    }
    long after = delayMs(first);
    if (after < 0 || after >= ctx.remainingMs()) {
      return call.run(ctx, null, m -> {});
    }
    LinkedBlockingQueue<CompletableFuture<LlmAnswer>> done = new LinkedBlockingQueue<>();
    AtomicReference<LlmClient> firstModel = new AtomicReference<>(first);
    CancelToken a = ctx.cancel().child();
    CancelToken b = ctx.cancel().child();
    CompletableFuture<LlmAnswer> fa = start(ctx.withCancel(a), null, firstModel::set, call, done);
    try {
      try {
        return fa.get(after, TimeUnit.MILLISECONDS);
      } catch (TimeoutException late) {
        // The first model is late: hedge to another, if one is free.
      } catch (ExecutionException e) {
        throw unwrap(e);
      }
      LlmClient late = firstModel.get();
      LlmClient second = pool.peek(Set.of(late));
      if (second == null || second == late) {
        return join(fa);
      }
      started.incrementAndGet();
      AtomicReference<LlmClient> secondModel = new AtomicReference<>(second);
      CompletableFuture<LlmAnswer> fb =
          start(ctx.withCancel(b), late, secondModel::set, call, done);
      @Nullable RuntimeException firstFailure = null;
      for (int i = 0; i < 2; i++) {
        CompletableFuture<LlmAnswer> f = done.take();
        if (f.isCompletedExceptionally()) {
          RuntimeException e = failure(f);
          if (firstFailure == null || f == fa) {
            firstFailure = e;
          }
          continue;
        }
        LlmAnswer answer = f.join();
        boolean hedgeWon = f == fb;
        (hedgeWon ? a : b).cancel();
        if (hedgeWon) {
          won.incrementAndGet();
        }
        // The loser's prompt may be billed although it was cancelled.
        LlmClient loser = hedgeWon ? late : secondModel.get();
        double extra = loser.price().cost(promptTokens, 0);
        return new LlmAnswer(
            answer.text(),
            answer.endpoint(),
            answer.toolCalls(),
            answer.generation(),
            answer.costUnits() + extra,
            answer.attempts() + 1,
            answer.latencyMs());
      }
      throw java.util.Objects.requireNonNull(firstFailure, "both calls failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoeError.Cancelled("llm hedge (thread interrupted)");
    } finally {
      a.cancel();
      b.cancel();
      a.detach();
      b.detach();
    }
  }

  /** The wait before a hedge, in ms, or -1 while the model has answered too few times. */
  private long delayMs(LlmClient model) {
    double p = model.recentLatencyPercentileMs(percentile, MIN_ANSWERS);
    return Double.isNaN(p) ? -1 : Math.max(MIN_DELAY_MS, (long) Math.ceil(p));
  }

  private static CompletableFuture<LlmAnswer> start(
      Context ctx,
      @Nullable LlmClient avoid,
      Consumer<LlmClient> onModel,
      Call call,
      LinkedBlockingQueue<CompletableFuture<LlmAnswer>> done) {
    CompletableFuture<LlmAnswer> f = new CompletableFuture<>();
    f.whenComplete((r, e) -> done.add(f));
    Thread.ofVirtual()
        .name("himoe-llm-hedge")
        .start(
            () -> {
              try {
                f.complete(call.run(ctx, avoid, onModel));
              } catch (Throwable t) {
                f.completeExceptionally(t);
              }
            });
    return f;
  }

  private static LlmAnswer join(CompletableFuture<LlmAnswer> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static RuntimeException failure(CompletableFuture<LlmAnswer> f) {
    try {
      f.join();
      throw new IllegalStateException("not failed");
    } catch (java.util.concurrent.CompletionException e) {
      return unwrapCause(e.getCause());
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    return unwrapCause(e.getCause());
  }

  private static RuntimeException unwrapCause(@Nullable Throwable c) {
    if (c instanceof RuntimeException r) {
      return r;
    }
    if (c instanceof Error err) {
      throw err;
    }
    return new LlmException(LlmException.Kind.BAD_RESPONSE, "hedge", String.valueOf(c), c);
  }
}
