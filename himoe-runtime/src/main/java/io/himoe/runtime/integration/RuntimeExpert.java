package io.himoe.runtime.integration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.LearningExpert;
import io.himoe.experts.StreamingExpert;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TokenListener;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts an expert under the runtime's control. Each call takes the request's {@link RuntimeDecision}
 * (stored by {@link ModeCappedRouter}, or made here), then:
 *
 * <ol>
 *   <li>when the mode's profile enables the cache, answers a repeated input from a Caffeine
 *       response cache (size-bounded, TTL), and stores fresh answers in it;
 *   <li>caps a conversation's {@code max_tokens} at the mode's token budget ({@link
 *       PerformanceProfile#maxTokens()}), so an LLM expert never asks upstream for more than the
 *       mode allows;
 *   <li>calls the expert, passing a {@link ModeAwareExpert} the profile (token budget, tier).
 * </ol>
 *
 * The name (hence the id) is the wrapped expert's, so it can replace it in a registry. A wrapped
 * {@link StreamingExpert} stays one: its tokens pass through (an answer served from the cache
 * arrives whole, with no tokens).
 *
 * <p>The mode's concurrency limit per expert ({@link PerformanceProfile#maxConcurrency()}) is not
 * applied here but by the expert's guard in front of this wrapper (the server's resilience4j
 * bulkhead, resized on every mode change through {@link RuntimeManager#onModeChange}).
 */
public sealed class RuntimeExpert implements ModeAwareExpert permits RuntimeExpert.Streaming {

  private final Expert delegate;
  private final RuntimeManager runtime;
  private final Cache<InputData, ExpertOut> cache;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  private RuntimeExpert(Expert delegate, RuntimeManager runtime, int cacheSize, Duration ttl) {
    this.delegate = Objects.requireNonNull(delegate, "expert");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    InstantSource clock = runtime.clock();
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(cacheSize)
            .expireAfterWrite(ttl)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            // Maintenance on the calling thread: no background pool, and tests see it at once.
            .executor(Runnable::run)
            .build();
  }

  /**
   * @param expert the expert
   * @param runtime the runtime deciding its mode
   * @return the wrapped expert, with a 256-entry response cache of 5-minute TTL
   */
  public static RuntimeExpert wrap(Expert expert, RuntimeManager runtime) {
    return wrap(expert, runtime, 256, Duration.ofMinutes(5));
  }

  /**
   * @param expert the expert
   * @param runtime the runtime deciding its mode
   * @param cacheSize response cache entries, &gt;= 1
   * @param cacheTtl how long a cached response is served
   * @return the wrapped expert
   */
  public static RuntimeExpert wrap(
      Expert expert, RuntimeManager runtime, int cacheSize, Duration cacheTtl) {
    return expert instanceof StreamingExpert
        ? new Streaming(expert, runtime, cacheSize, cacheTtl)
        : new RuntimeExpert(expert, runtime, cacheSize, cacheTtl);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public double canHandle(String task) {
    return delegate.canHandle(task);
  }

  @Override
  public Optional<LearningExpert> asLearning() {
    return delegate.asLearning();
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    return infer(input, ctx, Decisions.of(runtime, input, ctx).profile());
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx, PerformanceProfile profile)
      throws Exception {
    InputData capped = TokenCap.apply(input, profile.maxTokens());
    return cachedOr(
        capped,
        ctx,
        profile,
        () ->
            delegate instanceof ModeAwareExpert m
                ? m.infer(capped, ctx, profile)
                : delegate.infer(capped, ctx));
  }

  /** The cached answer when the profile allows it, else {@code call}. */
  ExpertOut cachedOr(
      InputData input, Context ctx, PerformanceProfile profile, Callable<ExpertOut> call)
      throws Exception {
    if (profile.cacheEnabled()) {
      ExpertOut cached = cache.getIfPresent(input);
      if (cached != null) {
        hits.incrementAndGet();
        return cached;
      }
    }
    misses.incrementAndGet();
    ExpertOut out = call.call();
    if (profile.cacheEnabled()) {
      cache.put(input, out);
    }
    return out;
  }

  /** The wrapper of a streaming expert: streams through the same cache. */
  static final class Streaming extends RuntimeExpert implements StreamingExpert {

    private Streaming(Expert delegate, RuntimeManager runtime, int cacheSize, Duration ttl) {
      super(delegate, runtime, cacheSize, ttl);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
      PerformanceProfile profile = Decisions.of(runtime(), input, ctx).profile();
      InputData capped = TokenCap.apply(input, profile.maxTokens());
      return cachedOr(
          capped, ctx, profile, () -> ((StreamingExpert) delegate()).stream(capped, ctx, listener));
    }
  }

  RuntimeManager runtime() {
    return runtime;
  }

  /**
   * @return calls answered from the cache
   */
  public long cacheHits() {
    return hits.get();
  }

  /**
   * @return calls that reached the expert
   */
  public long cacheMisses() {
    return misses.get();
  }

  /**
   * @return the wrapped expert
   */
  public Expert delegate() {
    return delegate;
  }
}
