package io.himoe.runtime.generation;

import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.generation.GenerationResult.Stop;
import io.himoe.runtime.memory.MemoryExhaustedException;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.runtime.mode.ModelTier;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.CancelToken;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(new IllegalStateException("a token stream has a single subscriber"));
      return;
    }
    Run run = new Run(subscriber);
    Runnable unregister = cancelToken.onCancel(run::cancel);
    subscriber.onSubscribe(run);
    Thread.ofVirtual()
        .name("himoe-generate")
        .start(
            () -> {
              try {
                run.generate();
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

  private final class Run implements Flow.Subscription {
    private final Flow.Subscriber<? super String> sub;
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean cancelled;
    private volatile Throwable protocolError;
    private volatile Thread worker;

    Run(Flow.Subscriber<? super String> sub) {
      this.sub = sub;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        protocolError =
            new IllegalArgumentException("request(n) needs n > 0, got " + n + " (Flow §3.9)");
      } else {
        demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      }
      LockSupport.unpark(worker);
    }

    @Override
    public void cancel() {
      cancelled = true;
      LockSupport.unpark(worker);
    }

    private boolean awaitDemand() {
      while (true) {
        if (cancelled || protocolError != null || Thread.currentThread().isInterrupted()) {
          return false;
        }
        long d = demand.get();
        if (d > 0) {
          if (d == Long.MAX_VALUE || demand.compareAndSet(d, d - 1)) {
            return true;
          }
        } else {
          LockSupport.park(this);
        }
      }
    }

    void generate() {
      worker = Thread.currentThread();
      RuntimeManager runtime = gen.runtime();
      NgramModel model = gen.model();
      MemoryPools pools = gen.pools();
      Duration timeout = gen.leaseTimeout();
      RuntimeDecision d = initial;
      PerformanceProfile p = d.profile();
      SplittableRandom random = new SplittableRandom(gen.seed());
      int ctx = model.maxOrder() - 1;
      int[] history = new int[Math.max(1, ctx)];
      int len = seedHistory(model.encode(prompt), history, ctx);
      int produced = 0;
      int switches = 0;
      Stop stop = Stop.BUDGET;
      Throwable error = null;
      MemoryPool.Lease kv = null;
      try {
        kv = pools.acquire(MemoryPools.KV_CACHE, 0, timeout);
        outer:
        while (produced < p.maxTokens()) {
          int scratchLen = model.maxCandidates();
          // One activation lease per step of speculationLength tokens: the scratch buffer it pays.
          try (var _ =
              pools.acquire(MemoryPools.ACTIVATIONS, (long) scratchLen * Double.BYTES, timeout)) {
            double[] scratch = new double[scratchLen];
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
              if (!awaitDemand()) {
                stop = protocolError != null ? Stop.FAILED : Stop.CANCELLED;
                error = protocolError;
                break outer;
              }
              kv.grow(p.bytesPerToken(), timeout);
              int tok = model.next(history, len, order(p.tier()), random, scratch);
              len = push(history, len, tok, ctx);
              sub.onNext(model.chunk(tok, produced == 0));
              produced++;
            }
          }
        }
      } catch (MemoryExhaustedException e) {
        stop = Stop.FAILED;
        error = e;
      } catch (InterruptedException e) {
        stop = Stop.CANCELLED;
      } catch (RuntimeException e) {
        stop = Stop.FAILED;
        error = e;
      } finally {
        if (kv != null) {
          kv.close();
        }
      }
      if (cancelled && error == null) {
        stop = Stop.CANCELLED;
      }
      // After cancel() the subscriber gets no further signal (Flow §1.8).
      if (stop == Stop.FAILED) {
        sub.onError(error);
      } else if (stop == Stop.BUDGET) {
        sub.onComplete();
      }
      done.complete(
          new GenerationResult(produced, stop, d.mode(), switches, Optional.ofNullable(error)));
    }
  }

  static int order(ModelTier tier) {
    return switch (tier) {
      case SMALL -> 2;
      case MEDIUM -> 3;
      case LARGE -> 4;
    };
  }

  private static int seedHistory(int[] promptIds, int[] history, int ctx) {
    int n = Math.min(ctx, promptIds.length);
    System.arraycopy(promptIds, promptIds.length - n, history, 0, n);
    return n;
  }

  private static int push(int[] history, int len, int tok, int ctx) {
    if (ctx == 0) {
      return 0;
    }
    if (len < ctx) {
      history[len] = tok;
      return len + 1;
    }
    System.arraycopy(history, 1, history, 0, ctx - 1);
    history[ctx - 1] = tok;
    return ctx;
  }
}
