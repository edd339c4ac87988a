package io.himoe.server.assembly;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.himoe.experts.Expert;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.experts.management.ExpertManager;
import io.himoe.experts.management.ManagementPolicy;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.integration.PooledExpert;
import io.himoe.runtime.integration.RuntimeExpert;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.server.config.ExpertKind;
import io.himoe.server.config.ExpertSpec;
import io.himoe.server.config.HimoeConfig;
import io.himoe.shared.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The one builder of expert stacks: from a typed {@link ExpertSpec}, the bare expert ({@link
 * ExpertKinds}) wrapped in one fixed order, innermost first: for in-process models under the
 * runtime, the memory pool lease ({@link PooledExpert}: the call waits for its working memory until
 * the request's deadline, then fails with {@code memory_exhausted}); the monitor ({@link
 * ExpertManager}: success rate, latency percentiles, load), the runtime mode ({@link
 * RuntimeExpert}: response cache, profile) when {@code runtime.enabled}, and the guard ({@link
 * ExpertGuard}: bulkhead resized by the runtime modes, circuit breaker, retry, time limit, rate
 * limit) with the expert's {@code cost_per_call}.
 */
final class StackBuilder {

  private final ExpertManager manager;
  private final ManagementPolicy policy;
  private final Optional<RuntimeManager> runtime;
  private final HimoeConfig.Runtime runtimeConfig;
  private final CircuitBreakerRegistry breakers;
  private final Clock clock;
  private final Duration maxWait;

  StackBuilder(
      ExpertManager manager,
      ManagementPolicy policy,
      Optional<RuntimeManager> runtime,
      HimoeConfig.Runtime runtimeConfig,
      CircuitBreakerRegistry breakers,
      Clock clock,
      Duration maxWait) {
    this.manager = manager;
    this.policy = policy;
    this.runtime = runtime;
    this.runtimeConfig = runtimeConfig;
    this.breakers = breakers;
    this.clock = clock;
    this.maxWait = maxWait;
  }

  /**
   * @param spec the expert
   * @return its stack, whose {@code routed} is the guarded stack (fallbacks are composed by the
   *     catalog, which knows the other experts)
   */
  ExpertStack build(ExpertSpec spec) {
    Expert bare = pooled(spec, ExpertKinds.create(spec, runtime));
    OptionalInt max = spec.common().guard().maxConcurrent();
    Expert monitored = manager.register(bare, max.orElse(policy.defaultMaxLoad())).expert();
    Expert moded =
        runtime
            .<Expert>map(
                rt ->
                    RuntimeExpert.wrap(
                        monitored,
                        rt,
                        runtimeConfig.cacheSize(),
                        Duration.ofMillis(runtimeConfig.cacheTtlMs())))
            .orElse(monitored);
    OptionalInt modeLimit =
        runtime
            .map(rt -> OptionalInt.of(rt.currentProfile().maxConcurrency()))
            .orElse(OptionalInt.empty());
    ExpertGuard guard =
        ExpertGuard.create(spec.name(), spec.common().guard(), breakers, clock, modeLimit, maxWait);
    // Undone when the expert is removed: the mode listener would otherwise keep the dead guard (and
    // through it the expert) reachable for the server's lifetime, and an expert added again under
    // the same name would get the old circuit breaker, state and settings included.
    Runnable unlisten =
        runtime
            .map(rt -> rt.onModeChange(c -> guard.resize(rt.profile(c.to()).maxConcurrency())))
            .orElse(() -> {});
    Runnable detach =
        () -> {
          unlisten.run();
          breakers.remove(spec.name());
        };
    ResilientExpert guarded =
        ResilientExpert.of(
            moded,
            guard,
            spec.common().cost().perCall(),
            costBound(spec),
            new ResilientExpert.InputLimits(
                maxInputChars(spec),
                spec.common().guard().maxInputTokens().orElse(Integer.MAX_VALUE)),
            runsInline(bare, spec));
    return new ExpertStack(spec, bare, guarded, guarded, detach);
  }

  /**
   * Whether the whole stack may be called on the router's thread: the bare expert says its calls
   * are in-process and CPU-bound ({@link Expert#runsInline}: math, planner, tagger, language
   * detector, knowledge) and no layer of the stack waits: no runtime (its memory pool lease and
   * modes), no bulkhead ({@code max_instances}), no retry, no time limit. The monitor and the
   * breaker only count.
   */
  private boolean runsInline(Expert bare, ExpertSpec spec) {
    var guard = spec.common().guard();
    return bare.runsInline()
        && runtime.isEmpty()
        && guard.maxConcurrent().isEmpty()
        && guard.retry().maxAttempts() <= 1
        && guard.timeLimit().isEmpty();
  }

  /**
   * The longest text the expert is given, in characters: {@code guard.max_input_chars}, else the
   * kind's default. A knowledge search's work grows with the query (every distinct word is a BM25
   * clause, the whole text is encoded): 8,192 characters is some 1,500 words, far beyond a
   * question, and a 1 MB body then costs no search at all instead of seconds of CPU. Kinds with
   * their own limit ({@code fr-tagger}, {@code lang-detect}) or bounded work keep none here.
   */
  static int maxInputChars(ExpertSpec spec) {
    return spec.common()
        .guard()
        .maxInputChars()
        .orElse(
            spec.kind() == ExpertKind.KNOWLEDGE ? KNOWLEDGE_MAX_INPUT_CHARS : Integer.MAX_VALUE);
  }

  /** The knowledge expert's default input limit, in characters. */
  static final int KNOWLEDGE_MAX_INPUT_CHARS = 8_192;

  /**
   * Working memory one call of an in-process model takes from the runtime's {@code activations}
   * pool, in bytes: {@code fixed + perChar × input characters}. Remote experts ({@code llm}) and
   * rule experts take none; the generator leases its own (KV cache per token, activations per
   * step).
   *
   * @param kind the kind
   * @return {fixed, perChar}, or null when the kind runs no in-process model
   */
  static long @Nullable [] workingMemory(ExpertKind kind) {
    return switch (kind) {
      // the encoder's activations for a sentence (MiniLM: ~8 MiB) plus Lucene's per-query buffers
      case KNOWLEDGE -> new long[] {8L << 20, 2_048};
      // OpenNLP's beam and feature arrays grow with the sentence
      case FR_TAGGER, LANG_DETECT -> new long[] {4L << 20, 2_048};
      // a branched network's forward pass (DJL/PyTorch tensors of a 784-400-400-10 MLP)
      case BRANCHED -> new long[] {16L << 20, 0};
      case PLANNER, MATH, LLM, GENERATOR -> null;
    };
  }

  /** The bare expert under the runtime's memory pools when it runs a model in process. */
  private Expert pooled(ExpertSpec spec, Expert bare) {
    long[] wm = workingMemory(spec.kind());
    Optional<MemoryPool> activations = activations(runtime);
    if (wm == null || activations.isEmpty()) {
      return bare;
    }
    return PooledExpert.wrap(bare, activations.get(), PooledExpert.linear(wm[0], wm[1]));
  }

  /**
   * @param runtime the runtime, when {@code runtime.enabled}
   * @return its {@code activations} pool, which in-process model work leases from (absent without
   *     the runtime, or when {@code runtime.memory_pools} names other pools only)
   */
  static Optional<MemoryPool> activations(Optional<RuntimeManager> runtime) {
    return runtime
        .flatMap(RuntimeManager::pools)
        .flatMap(
            ps ->
                ps.all().stream()
                    .filter(p -> p.name().equals(MemoryPools.ACTIVATIONS))
                    .findFirst());
  }

  /**
   * Output tokens an answer is assumed to have at most, for the cost bound of an expert priced per
   * token, until a request carries its own ceiling.
   */
  static final int OUTPUT_TOKEN_CEILING = 1024;

  /**
   * The most one call can cost, from the configuration: {@code cost_per_call}, plus for an {@code
   * llm} expert {@code cost_per_1k_tokens} times the prompt's tokens (the client's messages counted
   * with {@link TokenCounter}, framing included, plus the expert's system prompt) and the
   * completion's bound (the request's {@code max_tokens}, else {@link #OUTPUT_TOKEN_CEILING}).
   */
  static java.util.function.ToDoubleFunction<io.himoe.shared.InputData> costBound(ExpertSpec spec) {
    double perCall = spec.common().cost().perCall();
    double per1k = spec.common().cost().per1kTokens();
    if (per1k == 0) {
      return input -> perCall;
    }
    TokenCounter counter = TokenCounter.defaults();
    int system =
        spec instanceof ExpertSpec.Llm l && l.systemPrompt().isPresent()
            ? counter.count(Message.system(l.systemPrompt().get()))
            : 0;
    return input ->
        perCall
            + per1k
                * (counter.prompt(input)
                    + system
                    + input.params().maxTokens().orElse(OUTPUT_TOKEN_CEILING))
                / 1000.0;
  }
}
