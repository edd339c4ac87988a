package io.himoe.experts.stream;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenDemand;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A streaming expert's answer as a {@link Flow.Publisher} of tokens, for reactive callers (SSE
 * endpoints, Reactor, RxJava through their Flow adapters). Each subscription starts one call on a
 * virtual thread; tokens are sent only as requested (the model's stream waits for demand, so a slow
 * subscriber slows the read rather than filling memory); cancelling the subscription cancels the
 * call, which closes its connection. The call's final {@link ExpertOut} (cost, confidence) is
 * available from {@link #result()} after completion.
 */
public final class TokenPublisher implements Flow.Publisher<String> {

  private final StreamingExpert expert;
  private final InputData input;
  private final Context ctx;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicReference<ExpertOut> result = new AtomicReference<>();

  private TokenPublisher(StreamingExpert expert, InputData input, Context ctx) {
    this.expert = Objects.requireNonNull(expert, "expert");
    this.input = Objects.requireNonNull(input, "input");
    this.ctx = Objects.requireNonNull(ctx, "ctx");
  }

  /**
   * @param expert the expert
   * @param input the input
   * @param ctx the request context (its deadline and cancel token bound the call)
   * @return a publisher for one subscriber
   */
  public static TokenPublisher of(StreamingExpert expert, InputData input, Context ctx) {
    return new TokenPublisher(expert, input, ctx);
  }

  /**
   * @return the complete answer once the publisher has completed, else {@code null}
   */
  public ExpertOut result() {
    return result.get();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super String> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!TokenDemand.firstSubscriber(subscribed, subscriber, "a TokenPublisher")) {
      return;
    }
    CancelToken token = ctx.cancel().child();
    // A cancel or a bad request(n) cancels the call, which closes its connection.
    TokenDemand demand = new TokenDemand(token::cancel);
    // The request's own cancel wakes a stream waiting for demand.
    token.onCancel(demand::cancel);
    subscriber.onSubscribe(demand);
    Context call = ctx.withCancel(token);
    Thread.ofVirtual()
        .name("himoe-token-publisher")
        .start(
            () -> {
              try {
                ExpertOut out =
                    expert.stream(
                        input,
                        call,
                        t -> {
                          awaitDemand(demand, call);
                          subscriber.onNext(t);
                        });
                result.set(out);
                subscriber.onComplete();
              } catch (Throwable e) {
                if (demand.protocolError() != null) {
                  subscriber.onError(demand.protocolError());
                } else if (!(token.isCancelled() && !ctx.cancel().isCancelled())) {
                  // A cancel by the subscriber itself ends silently, as Flow requires.
                  subscriber.onError(e);
                }
              } finally {
                token.detach();
              }
            });
  }

  private static void awaitDemand(TokenDemand demand, Context call) {
    switch (demand.await(System.nanoTime() + call.remainingMs() * 1_000_000L)) {
      case GRANTED -> call.cancel().throwIfCancelled("token publisher");
      case TIMED_OUT -> throw new MoeError.DeadlineExceeded("token publisher (no demand)");
      case INTERRUPTED -> {
        Thread.currentThread().interrupt();
        throw new MoeError.Cancelled("token publisher");
      }
      case CANCELLED, PROTOCOL_ERROR -> throw new MoeError.Cancelled("token publisher");
    }
  }
}
