package io.himoe.runtime.integration;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.mode.Bulkhead;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TtlLruCache;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts an expert under the runtime's control. Each call takes the request's {@link RuntimeDecision}
 * (stored by {@link ModeCappedRouter}, or made here), then:
 *
 * <ol>
 *   <li>when the mode's profile enables the cache, answers a repeated input from a TTL/LRU response
 *       cache, and stores fresh answers in it;
 *   <li>waits for a permit of the expert's {@link Bulkhead} (at most the request's remaining time);
 *       the bulkhead's size follows the current mode's {@code maxConcurrency} and is resized on
 *       every mode change;
 *   <li>calls the expert, passing a {@link ModeAwareExpert} the profile (token budget, tier).
 * </ol>
 *
 * The name (hence the id) is the wrapped expert's, so it can replace it in a registry.
 */
public final class RuntimeExpert implements ModeAwareExpert {

  private final Expert delegate;
  private final RuntimeManager runtime;
  private final Bulkhead bulkhead;
  private final TtlLruCache<InputData, ExpertOut> cache;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  private RuntimeExpert(Expert delegate, RuntimeManager runtime, int cacheSize, Duration ttl) {
    this.delegate = Objects.requireNonNull(delegate, "expert");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.bulkhead = new Bulkhead(delegate.name(), runtime.currentProfile().maxConcurrency());
    this.cache = new TtlLruCache<>(cacheSize, ttl, runtime.clock());
    runtime.onModeChange(c -> bulkhead.resize(runtime.profile(c.to()).maxConcurrency()));
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
    return new RuntimeExpert(expert, runtime, cacheSize, cacheTtl);
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
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    return infer(input, ctx, Decisions.of(runtime, input, ctx).profile());
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx, PerformanceProfile profile)
      throws Exception {
    if (profile.cacheEnabled()) {
      var cached = cache.get(input);
      if (cached.isPresent()) {
        hits.incrementAndGet();
        return cached.get();
      }
    }
    misses.incrementAndGet();
    ExpertOut out;
    try (var _ = bulkhead.acquire(ctx.remaining())) {
      out =
          delegate instanceof ModeAwareExpert m
              ? m.infer(input, ctx, profile)
              : delegate.infer(input, ctx);
    }
    if (profile.cacheEnabled()) {
      cache.put(input, out);
    }
    return out;
  }

  /**
   * @return the bulkhead this expert runs behind
   */
  public Bulkhead bulkhead() {
    return bulkhead;
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
