package io.himoe.server.assembly;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.himoe.experts.Expert;
import io.himoe.experts.management.ExpertManager;
import io.himoe.experts.management.ManagementPolicy;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.integration.RuntimeExpert;
import io.himoe.server.config.ExpertSpec;
import io.himoe.server.config.HimoeConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The one builder of expert stacks: from a typed {@link ExpertSpec}, the bare expert ({@link
 * ExpertKinds}) wrapped in one fixed order, innermost first: the monitor ({@link ExpertManager}:
 * success rate, latency percentiles, load), the runtime mode ({@link RuntimeExpert}: response
 * cache, profile) when {@code runtime.enabled}, and the guard ({@link ExpertGuard}: bulkhead
 * resized by the runtime modes, circuit breaker, retry, time limit, rate limit) with the expert's
 * {@code cost_per_call}.
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
    Expert bare = ExpertKinds.create(spec);
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
    runtime.ifPresent(
        rt -> rt.onModeChange(c -> guard.resize(rt.profile(c.to()).maxConcurrency())));
    ResilientExpert guarded =
        ResilientExpert.of(moded, guard, spec.common().cost().perCall(), costBound(spec));
    return new ExpertStack(spec, bare, guarded, guarded);
  }

  /**
   * Output tokens an answer is assumed to have at most, for the cost bound of an expert priced per
   * token, until a request carries its own ceiling.
   */
  static final int OUTPUT_TOKEN_CEILING = 1024;

  /**
   * The most one call can cost, from the configuration: {@code cost_per_call}, plus for an {@code
   * llm} expert {@code cost_per_1k_tokens} times the input's tokens (about 4 characters each) and
   * {@link #OUTPUT_TOKEN_CEILING} output tokens.
   */
  static java.util.function.ToDoubleFunction<io.himoe.shared.InputData> costBound(ExpertSpec spec) {
    double perCall = spec.common().cost().perCall();
    double per1k = spec.common().cost().per1kTokens();
    if (per1k == 0) {
      return input -> perCall;
    }
    return input ->
        perCall + per1k * ((input.toText().length() + 3) / 4 + OUTPUT_TOKEN_CEILING) / 1000.0;
  }
}
