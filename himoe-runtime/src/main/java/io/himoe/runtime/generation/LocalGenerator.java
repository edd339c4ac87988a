package io.himoe.runtime.generation;

import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.shared.CancelToken;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Token generation under the runtime's control: each {@link #stream} reads a {@link TokenSource}
 * (by default the {@link NgramModel}, with the n-gram order of the mode's model tier: small 2,
 * medium 3, large 4) up to the mode's token budget, taking its KV cache ({@code bytesPerToken} per
 * token, one growing lease) and each step's working memory ({@link TokenSession#stepBytes()}) from
 * the {@link MemoryPools}. Every {@code reassessEvery} tokens (default 10, as in the seed) it asks
 * the runtime to re-read the device, and continues in the mode that comes back.
 *
 * <pre>{@code
 * LocalGenerator gen = LocalGenerator.builder(NgramModel.bundled(), runtime, pools).build();
 * TokenStream s = gen.stream("How does the router choose experts?");
 * s.subscribe(subscriber);              // Flow.Subscriber<String>: chunks to append
 * GenerationResult r = s.done().join(); // tokens, why it stopped, final mode
 * }</pre>
 */
public final class LocalGenerator {

  private final TokenSource source;
  private final RuntimeManager runtime;
  private final MemoryPools pools;
  private final int reassessEvery;
  private final Duration leaseTimeout;

  private LocalGenerator(Builder b) {
    // One of the two is set, by the builder method used.
    this.source =
        b.source != null
            ? b.source
            : TokenSource.ngram(Objects.requireNonNull(b.model, "model"), b.seed);
    this.runtime = b.runtime;
    this.pools = b.pools;
    this.reassessEvery = b.reassessEvery;
    this.leaseTimeout = b.leaseTimeout;
  }

  /**
   * @param model the language model
   * @param runtime decides and re-decides the mode
   * @param pools must hold {@link MemoryPools#KV_CACHE} and {@link MemoryPools#ACTIVATIONS}
   * @return a builder: re-read every 10 tokens, seed 42, lease timeout 500 ms (the seed's)
   */
  public static Builder builder(NgramModel model, RuntimeManager runtime, MemoryPools pools) {
    return new Builder(Objects.requireNonNull(model, "model"), null, runtime, pools);
  }

  /**
   * @param source any token source (a remote LLM's stream, a local model)
   * @param runtime decides and re-decides the mode
   * @param pools must hold {@link MemoryPools#KV_CACHE} and {@link MemoryPools#ACTIVATIONS}
   * @return a builder: re-read every 10 tokens, lease timeout 500 ms
   */
  public static Builder builder(TokenSource source, RuntimeManager runtime, MemoryPools pools) {
    return new Builder(null, Objects.requireNonNull(source, "source"), runtime, pools);
  }

  /**
   * Decides the mode for a prompt and streams a continuation of it.
   *
   * @param prompt the prompt
   * @return the stream, not started until subscribed
   */
  public TokenStream stream(String prompt) {
    return stream(prompt, runtime.decide(prompt), CancelToken.create());
  }

  /**
   * @param prompt the prompt
   * @param decision the request's decision (its mode is the starting mode)
   * @param cancel cancelling it stops generation, like {@code Subscription.cancel()}
   * @return the stream, not started until subscribed
   */
  public TokenStream stream(String prompt, RuntimeDecision decision, CancelToken cancel) {
    Objects.requireNonNull(prompt, "prompt");
    return new TokenStream(
        this, prompt, Objects.requireNonNull(decision, "decision"), Objects.requireNonNull(cancel));
  }

  TokenSource source() {
    return source;
  }

  RuntimeManager runtime() {
    return runtime;
  }

  MemoryPools pools() {
    return pools;
  }

  int reassessEvery() {
    return reassessEvery;
  }

  Duration leaseTimeout() {
    return leaseTimeout;
  }

  /** Builds a {@link LocalGenerator}. */
  public static final class Builder {
    private final @Nullable NgramModel model;
    private final @Nullable TokenSource source;
    private final RuntimeManager runtime;
    private final MemoryPools pools;
    private int reassessEvery = 10;
    private long seed = 42;
    private Duration leaseTimeout = Duration.ofMillis(500);

    private Builder(
        @Nullable NgramModel model,
        @Nullable TokenSource source,
        RuntimeManager runtime,
        MemoryPools pools) {
      this.model = model;
      this.source = source;
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      this.pools = Objects.requireNonNull(pools, "pools");
      pools.pool(MemoryPools.KV_CACHE);
      pools.pool(MemoryPools.ACTIVATIONS);
    }

    /**
     * @param tokens re-read the device every this many tokens, &gt;= 1
     * @return this builder
     */
    public Builder reassessEvery(int tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("reassessEvery must be >= 1 token, got " + tokens);
      }
      this.reassessEvery = tokens;
      return this;
    }

    /**
     * @param s the n-gram sampling seed (the same seed and prompt give the same text in the same
     *     mode); ignored for a builder made with a {@link TokenSource}
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * @param t how long a lease may wait for pool memory before the stream fails
     * @return this builder
     */
    public Builder leaseTimeout(Duration t) {
      this.leaseTimeout = Objects.requireNonNull(t, "leaseTimeout");
      return this;
    }

    /**
     * @return the generator
     */
    public LocalGenerator build() {
      return new LocalGenerator(this);
    }
  }
}
