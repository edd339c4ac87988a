package io.himoe.experts.stream;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(new IllegalStateException("a TokenPublisher accepts one subscriber"));
      return;
    }
    CancelToken token = ctx.cancel().child();
    Semaphore demand = new Semaphore(0);
    AtomicReference<Throwable> badRequest = new AtomicReference<>();
    // Wake a stream waiting for demand so that it notices the cancel.
    token.onCancel(() -> demand.release(Integer.MAX_VALUE / 2));
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            if (n <= 0) {
              badRequest.compareAndSet(
                  null, new IllegalArgumentException("request(n) needs n > 0, got " + n));
              token.cancel();
              return;
            }
            demand.release((int) Math.min(n, Integer.MAX_VALUE / 4));
          }

          @Override
          public void cancel() {
            token.cancel();
          }
        });
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
                Throwable bad = badRequest.get();
                if (bad != null) {
                  subscriber.onError(bad);
                } else if (!(token.isCancelled() && !ctx.cancel().isCancelled())) {
                  // A cancel by the subscriber itself ends silently, as Flow requires.
                  subscriber.onError(e);
                }
              } finally {
                token.detach();
              }
            });
  }

  private static void awaitDemand(Semaphore demand, Context call) {
    try {
      if (!demand.tryAcquire(call.remainingMs(), TimeUnit.MILLISECONDS)) {
        throw new MoeError.DeadlineExceeded("token publisher (no demand)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoeError.Cancelled("token publisher");
    }
    call.cancel().throwIfCancelled("token publisher");
  }
}
