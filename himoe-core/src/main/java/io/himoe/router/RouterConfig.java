package io.himoe.router;

import io.himoe.router.aggregation.Aggregator;
import io.himoe.router.aggregation.Aggregators;
import io.himoe.shared.Encoder;
import java.util.Objects;
import java.util.Optional;

/**
 * What every router shares: how many experts to call, the gating policy, the aggregator, for
 * routers that gate on vectors the encoder, and when a request is re-routed or hedged.
 *
 * @param topK experts to call per request, &gt;= 1 (clamped to the number of candidates)
 * @param policy how raw scores become weights
 * @param aggregator how answers are combined
 * @param encoder the encoder, when the router wants {@link io.himoe.shared.RouterInput.Encoded}
 *     input
 * @param reroute when and how often a request that got no good answer goes to the next-best expert
 * @param hedge when a slow single call is hedged with a second expert (off by default)
 */
public record RouterConfig(
    int topK,
    GatingPolicy policy,
    Aggregator aggregator,
    Optional<Encoder> encoder,
    Reroute reroute,
    Hedge hedge) {

  /** Validates. */
  public RouterConfig {
    if (topK <= 0) {
      throw new IllegalArgumentException("top_k must be >= 1, got " + topK);
    }
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(aggregator, "aggregator");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(reroute, "reroute");
    Objects.requireNonNull(hedge, "hedge");
  }

  /**
   * A configuration without hedging.
   *
   * @param topK experts to call per request
   * @param policy how raw scores become weights
   * @param aggregator how answers are combined
   * @param encoder the encoder, or empty
   * @param reroute when to re-route
   */
  public RouterConfig(
      int topK,
      GatingPolicy policy,
      Aggregator aggregator,
      Optional<Encoder> encoder,
      Reroute reroute) {
    this(topK, policy, aggregator, encoder, reroute, Hedge.off());
  }

  /**
   * A configuration with the default re-route ({@link Reroute#ofDefaults()}).
   *
   * @param topK experts to call per request
   * @param policy how raw scores become weights
   * @param aggregator how answers are combined
   * @param encoder the encoder, or empty
   */
  public RouterConfig(
      int topK, GatingPolicy policy, Aggregator aggregator, Optional<Encoder> encoder) {
    this(topK, policy, aggregator, encoder, Reroute.ofDefaults());
  }

  /**
   * @param topK experts to call per request
   * @return default policy, best-score aggregation, raw input
   */
  public static RouterConfig of(int topK) {
    return new RouterConfig(
        topK, GatingPolicy.ofDefaults(), Aggregators.bestScore(), Optional.empty());
  }

  /**
   * @param k experts to call
   * @return a copy
   */
  public RouterConfig withTopK(int k) {
    return new RouterConfig(k, policy, aggregator, encoder, reroute, hedge);
  }

  /**
   * @param p the policy
   * @return a copy
   */
  public RouterConfig withPolicy(GatingPolicy p) {
    return new RouterConfig(topK, p, aggregator, encoder, reroute, hedge);
  }

  /**
   * @param a the aggregator
   * @return a copy
   */
  public RouterConfig withAggregator(Aggregator a) {
    return new RouterConfig(topK, policy, a, encoder, reroute, hedge);
  }

  /**
   * @param r when to re-route
   * @return a copy
   */
  public RouterConfig withReroute(Reroute r) {
    return new RouterConfig(topK, policy, aggregator, encoder, r, hedge);
  }

  /**
   * @param h when to hedge
   * @return a copy
   */
  public RouterConfig withHedge(Hedge h) {
    return new RouterConfig(topK, policy, aggregator, encoder, reroute, h);
  }

  /**
   * @param e the encoder
   * @return a copy whose router receives encoded input
   */
  public RouterConfig withEncoder(Encoder e) {
    return new RouterConfig(topK, policy, aggregator, Optional.of(e), reroute, hedge);
  }
}
