package io.himoe.runtime.mode;

import java.util.Objects;

/**
 * What a {@link PerformanceMode} allows, applied by the runtime to real resources: the experts'
 * bulkheads ({@code maxConcurrency}), the generation token budget and model tier, the response
 * cache, how many experts top-k may call, and how much pool memory a token reserves.
 *
 * @param bytesPerToken memory a generated token reserves from the {@code kv-cache} pool, in bytes
 *     (the seed's "VRAM per token"; set it to a model's KV-cache cost per token)
 * @param maxConcurrency concurrent calls allowed per expert (its bulkhead), &gt;= 1
 * @param speculationLength tokens generated per step (per activation lease) by a local generator,
 *     &gt;= 1
 * @param cacheEnabled whether experts' responses are served from and stored in the cache
 * @param maxTokens the generation token budget, &gt;= 1
 * @param tier the model size to use
 * @param maxTopK the most experts a router may call per request, &gt;= 1
 */
public record PerformanceProfile(
    long bytesPerToken,
    int maxConcurrency,
    int speculationLength,
    boolean cacheEnabled,
    int maxTokens,
    ModelTier tier,
    int maxTopK) {

  /** Validates; a message names the field. */
  public PerformanceProfile {
    positive("bytesPerToken", bytesPerToken);
    positive("maxConcurrency", maxConcurrency);
    positive("speculationLength", speculationLength);
    positive("maxTokens", maxTokens);
    positive("maxTopK", maxTopK);
    Objects.requireNonNull(tier, "tier");
  }

  private static void positive(String field, long v) {
    if (v < 1) {
      throw new IllegalArgumentException("profile " + field + " must be >= 1, got " + v);
    }
  }

  /**
   * The seed's profiles: concurrency 1/2/4/8, speculation 2/4/6/8, cache on for ECO and BALANCED;
   * memory per token in the seed's 0.5:1:2:4 ratio (8, 16, 32, 64 KiB); token budgets 64, 128, 256,
   * 512; tiers small, medium, large, large; top-k at most 1, 2, 3, 4.
   *
   * @param mode the mode
   * @return its default profile
   */
  public static PerformanceProfile ofDefaults(PerformanceMode mode) {
    return switch (mode) {
      case ECO -> new PerformanceProfile(8 << 10, 1, 2, true, 64, ModelTier.SMALL, 1);
      case BALANCED -> new PerformanceProfile(16 << 10, 2, 4, true, 128, ModelTier.MEDIUM, 2);
      case PERFORMANCE -> new PerformanceProfile(32 << 10, 4, 6, false, 256, ModelTier.LARGE, 3);
      case MAXIMUM -> new PerformanceProfile(64 << 10, 8, 8, false, 512, ModelTier.LARGE, 4);
    };
  }

  /**
   * @param n the token budget
   * @return a copy with that budget
   */
  public PerformanceProfile withMaxTokens(int n) {
    return new PerformanceProfile(
        bytesPerToken, maxConcurrency, speculationLength, cacheEnabled, n, tier, maxTopK);
  }

  /**
   * @param bytes the memory per token
   * @return a copy with that memory per token
   */
  public PerformanceProfile withBytesPerToken(long bytes) {
    return new PerformanceProfile(
        bytes, maxConcurrency, speculationLength, cacheEnabled, maxTokens, tier, maxTopK);
  }

  /**
   * @param n concurrent calls per expert
   * @return a copy with that concurrency
   */
  public PerformanceProfile withMaxConcurrency(int n) {
    return new PerformanceProfile(
        bytesPerToken, n, speculationLength, cacheEnabled, maxTokens, tier, maxTopK);
  }

  /**
   * @param tokens tokens per generator step
   * @return a copy with that speculation length
   */
  public PerformanceProfile withSpeculationLength(int tokens) {
    return new PerformanceProfile(
        bytesPerToken, maxConcurrency, tokens, cacheEnabled, maxTokens, tier, maxTopK);
  }

  /**
   * @param enabled whether responses are cached
   * @return a copy with that cache setting
   */
  public PerformanceProfile withCacheEnabled(boolean enabled) {
    return new PerformanceProfile(
        bytesPerToken, maxConcurrency, speculationLength, enabled, maxTokens, tier, maxTopK);
  }

  /**
   * @param t the model tier
   * @return a copy with that tier
   */
  public PerformanceProfile withTier(ModelTier t) {
    return new PerformanceProfile(
        bytesPerToken, maxConcurrency, speculationLength, cacheEnabled, maxTokens, t, maxTopK);
  }

  /**
   * @param k the most experts top-k may call
   * @return a copy with that cap
   */
  public PerformanceProfile withMaxTopK(int k) {
    return new PerformanceProfile(
        bytesPerToken, maxConcurrency, speculationLength, cacheEnabled, maxTokens, tier, k);
  }
}
