package io.himoe.experts.llm;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.himoe.experts.llm.internal.CallScope;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of an LLM expert's call: picks a model ({@link ClientPool#acquire}: least loaded,
 * circuit closed, not failed earlier in this call), bounds the attempt by a {@link CallGuard},
 * checks the answer, reports the outcome to the model's circuit breaker and turns any failure into
 * one clear error ({@link Failures}).
 *
 * <p>When another model could take over, a non-streaming attempt ends early enough to leave that
 * model its expected latency (at most half of the time left): a fallback always gets its share of
 * the deadline. A stream keeps the whole deadline, since it cannot move once tokens have been sent.
 */
final class ModelCall {

  /** The exchange with one model, run inside the attempt's {@link CallScope}. */
  @FunctionalInterface
  interface Exchange {
    /**
     * @param client the chosen model
     * @param scope the attempt's cancellation scope
     * @return the model's response
     * @throws Exception whatever the model call threw
     */
    ChatResponse run(LlmClient client, CallScope scope) throws Exception;
  }

  /**
   * A successful attempt.
   *
   * @param client the model that answered
   * @param response its response, with a non-blank message or tool calls
   */
  record Result(LlmClient client, ChatResponse response) {}

  private final String expert;
  private final ClientPool pool;
  private final LlmPolicy policy;

  ModelCall(String expert, ClientPool pool, LlmPolicy policy) {
    this.expert = expert;
    this.pool = pool;
    this.policy = policy;
  }

  /**
   * @param ctx the request
   * @param attempt the models that failed earlier in this call (the model that fails now is added)
   *     and the attempt's number
   * @param keepShare whether to leave another model its share of the deadline
   * @param exchange the call itself
   * @return the answer
   * @throws LlmException on a failure on the model's side
   * @throws MoeError.Cancelled when the request was cancelled or the thread interrupted
   * @throws MoeError.DeadlineExceeded when the deadline passed
   */
  Result attempt(Context ctx, CallPolicy.Attempt attempt, boolean keepShare, Exchange exchange) {
    Set<LlmClient> failed = attempt.failed();
    String stage = "llm " + expert;
    ctx.checkAlive(stage);
    if (Thread.currentThread().isInterrupted()) {
      throw new MoeError.Cancelled(stage + " (thread interrupted)");
    }
    if (ctx.remaining().compareTo(policy.minAttemptTime()) < 0) {
      throw new MoeError.DeadlineExceeded(stage + " (less than the minimum attempt time left)");
    }
    LlmClient client = pool.acquire(failed);
    CallGuard guard =
        CallGuard.start(
            ctx, client.callTimeout(), keepShare ? reserve(ctx, attempt, client) : Duration.ZERO);
    long t0 = System.nanoTime();
    try {
      ChatResponse r =
          ScopedValue.where(CallScope.CURRENT, guard.scope())
              .call(() -> exchange.run(client, guard.scope()));
      check(r, client);
      long took = System.nanoTime() - t0;
      client.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
      client.recordLatency(took);
      return new Result(client, r);
    } catch (Error err) {
      client.breaker().releasePermission();
      throw err;
    } catch (Throwable t) {
      failed.add(client);
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (Thread.currentThread().isInterrupted() && guard.scope().cancelReason() == null) {
        guard.interrupted();
      }
      RuntimeException e = Failures.classify(t, client, expert, guard.scope(), ctx);
      boolean counts =
          e instanceof LlmException le
              && le.kind().endpointFault()
              && !CallGuard.SHARE.equals(guard.scope().cancelReason());
      if (counts) {
        client.breaker().onError(System.nanoTime() - t0, TimeUnit.NANOSECONDS, e);
      } else {
        client.breaker().releasePermission();
      }
      throw e;
    } finally {
      client.exit();
      guard.close();
    }
  }

  /**
   * The time kept for another model: the backoff before it, its expected latency (at least the
   * minimum attempt time) and the minimum attempt time again for the hand-over, at most half of the
   * time left; zero when no other model could take over.
   */
  private Duration reserve(Context ctx, CallPolicy.Attempt attempt, LlmClient chosen) {
    if (attempt.number() >= policy.maxAttempts()) {
      return Duration.ZERO;
    }
    LlmClient other = pool.alternative(attempt.failed(), chosen);
    if (other == null) {
      return Duration.ZERO;
    }
    Duration expected =
        policy
            .backoff(attempt.number())
            .plus(max(policy.minAttemptTime(), other.expectedLatency()))
            .plus(policy.minAttemptTime());
    Duration half = ctx.remaining().dividedBy(2);
    return expected.compareTo(half) < 0 ? expected : half;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void check(ChatResponse r, LlmClient client) {
    if (r == null || r.aiMessage() == null) {
      throw new LlmException(
          LlmException.Kind.BAD_RESPONSE, client.name(), "no message in the response", null);
    }
    String text = r.aiMessage().text();
    if ((text == null || text.isBlank()) && !r.aiMessage().hasToolExecutionRequests()) {
      throw new LlmException(LlmException.Kind.BAD_RESPONSE, client.name(), "empty answer", null);
    }
  }
}
