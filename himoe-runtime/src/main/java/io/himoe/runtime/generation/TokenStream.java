package io.himoe.runtime.generation;

import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.generation.GenerationResult.Stop;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.CancelToken;
import io.himoe.shared.TokenDemand;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One generation, published to a single subscriber. Tokens are produced only when the subscriber
 * has requested them (backpressure), on a virtual thread started at subscription. {@link #done()}
 * completes once generation has stopped and every lease is released.
 */
public final class TokenStream implements Flow.Publisher<String> {

  private final LocalGenerator gen;
  private final String prompt;
  private final RuntimeDecision initial;
  private final CancelToken cancelToken;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final CompletableFuture<GenerationResult> done = new CompletableFuture<>();

  TokenStream(LocalGenerator gen, String prompt, RuntimeDecision initial, CancelToken cancel) {
    this.gen = gen;
    this.prompt = prompt;
    this.initial = initial;
    this.cancelToken = cancel;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super String> subscriber) {
    if (!TokenDemand.firstSubscriber(subscribed, subscriber, "a token stream")) {
      return;
    }
    Run run = new Run(subscriber);
    Runnable unregister = cancelToken.onCancel(run.demand::cancel);
    subscriber.onSubscribe(run.demand);
    Thread.ofVirtual()
        .name("himoe-generate")
        .start(
            () -> {
              try {
                run.generate();
              } catch (Error e) {
                // Never leave done() pending: callers wait on it.
                done.completeExceptionally(e);
                throw e;
              } finally {
                unregister.run();
              }
            });
  }

  /**
   * @return completes when generation has stopped and its leases are released
   */
  public CompletableFuture<GenerationResult> done() {
    return done;
  }

  /**
   * @return the decision the stream started with
   */
  public RuntimeDecision initialDecision() {
    return initial;
  }

  private final class Run {
    private final Flow.Subscriber<? super String> sub;
    // A cancel or a bad request(n) interrupts a source blocked inside next() (a remote stream).
    final TokenDemand demand = new TokenDemand(this::interruptNext);
    private volatile @Nullable Thread worker;
    private volatile boolean inNext;

    Run(Flow.Subscriber<? super String> sub) {
      this.sub = sub;
    }

    private void interruptNext() {
      Thread w = worker;
      if (w != null && inNext) {
        w.interrupt();
      }
    }

    private boolean cancelled() {
      return demand.cancelled() || demand.protocolError() != null;
    }

    void generate() {
      worker = Thread.currentThread();
      RuntimeManager runtime = gen.runtime();
      MemoryPools pools = gen.pools();
      Duration timeout = gen.leaseTimeout();
      RuntimeDecision d = initial;
      PerformanceProfile p = d.profile();
      int produced = 0;
      int switches = 0;
      Stop stop = Stop.BUDGET;
      Throwable error = null;
      try (MemoryPool.Lease kv = pools.acquire(MemoryPools.KV_CACHE, 0, timeout);
          TokenSession session = gen.source().open(prompt, p)) {
        outer:
        while (produced < p.maxTokens()) {
          // One activation lease per step of speculationLength tokens.
          try (var _ = pools.acquire(MemoryPools.ACTIVATIONS, session.stepBytes(), timeout)) {
            for (int s = 0; s < p.speculationLength() && produced < p.maxTokens(); s++) {
              if (produced > 0 && produced % gen.reassessEvery() == 0) {
                RuntimeDecision next = runtime.reassess(d);
                if (next.mode() != d.mode()) {
                  switches++;
                }
                d = next;
                p = d.profile();
                if (produced >= p.maxTokens()) {
                  break outer;
                }
              }
              if (demand.await(Long.MAX_VALUE) != TokenDemand.Grant.GRANTED) {
                stop = demand.protocolError() != null ? Stop.FAILED : Stop.CANCELLED;
                error = demand.protocolError();
                break outer;
              }
              kv.grow(p.bytesPerToken(), timeout);
              Optional<String> chunk = nextToken(session, p);
              if (chunk.isEmpty()) {
                stop = Stop.END;
                break outer;
              }
              sub.onNext(chunk.get());
              produced++;
            }
          }
        }
      } catch (InterruptedException e) {
        stop = demand.protocolError() != null ? Stop.FAILED : Stop.CANCELLED;
        error = demand.protocolError();
      } catch (Exception e) {
        if (demand.protocolError() != null) {
          stop = Stop.FAILED;
          error = demand.protocolError();
        } else if (demand.cancelled()) {
          stop = Stop.CANCELLED;
        } else {
          stop = Stop.FAILED;
          error = e;
        }
      }
      if (demand.cancelled() && error == null) {
        stop = Stop.CANCELLED;
      }
      // After cancel() the subscriber gets no further signal (Flow §1.8).
      try {
        if (stop == Stop.FAILED) {
          sub.onError(error);
        } else if (stop == Stop.BUDGET || stop == Stop.END) {
          sub.onComplete();
        }
      } catch (RuntimeException e) {
        // A subscriber must not throw (Flow §2.13); the generation is over either way.
      }
      done.complete(
          new GenerationResult(produced, stop, d.mode(), switches, Optional.ofNullable(error)));
    }

    // A blocking source (a remote stream) is interrupted by cancel() while inside next().
    private Optional<String> nextToken(TokenSession session, PerformanceProfile p)
        throws Exception {
      inNext = true;
      try {
        if (cancelled()) {
          throw new InterruptedException("cancelled");
        }
        return session.next(p);
      } finally {
        inNext = false;
        if (Thread.interrupted() || cancelled()) {
          throw new InterruptedException("cancelled");
        }
      }
    }
  }
}
