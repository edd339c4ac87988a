package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.ExpertStats;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.bandit.BanditState;
import io.himoe.learning.bandit.RewardWeights;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A router whose gate is a {@link Bandit}: each expert is an arm, and feedback on a decision
 * updates the arms that were called with {@code weights.reward(quality, latency, cost)}, where the
 * quality is {@code feedback.reward()} (or {@code 1 - taskLoss}) and the latency and cost are the
 * expert's observed averages from the registry's {@link ExpertStats}. With an encoder the bandit
 * receives the encoded input as context (required by LinUCB).
 */
public final class BanditRouter implements Router {

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final Optional<Encoder> encoder;
  private final ExpertIndex index;
  // Replaced whole when a replica reloads the state another replica saved.
  private volatile Bandit bandit;
  private final RewardWeights weights;

  private BanditRouter(
      String id,
      ExpertRegistry experts,
      RouterConfig config,
      List<String> names,
      Bandit bandit,
      RewardWeights weights) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("router id must not be blank");
    }
    this.id = id;
    this.experts = Objects.requireNonNull(experts, "experts");
    this.config = Objects.requireNonNull(config, "config");
    this.encoder = config.encoder();
    this.index = ExpertIndex.of(names);
    this.bandit = Objects.requireNonNull(bandit, "bandit");
    this.weights = Objects.requireNonNull(weights, "weights");
    if (bandit.arms() != index.size()) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': bandit has "
              + bandit.arms()
              + " arms for "
              + index.size()
              + " experts");
    }
  }

  /**
   * @param id the router's id
   * @param experts the experts (arms, in registry order at creation)
   * @param config top-k, policy, aggregator, and the encoder for contextual bandits
   * @param bandit the bandit, with one arm per registered expert
   * @param weights how quality, latency and cost make the reward
   * @return the router
   * @throws IllegalArgumentException if the arms and the experts disagree
   */
  public static BanditRouter of(
      String id,
      ExpertRegistry experts,
      RouterConfig config,
      Bandit bandit,
      RewardWeights weights) {
    return new BanditRouter(
        id, experts, config, ExpertIndex.ofRegistry(experts).names(), bandit, weights);
  }

  /**
   * @param id the router's id
   * @param experts the registry
   * @param names the arms' expert names, in order
   * @param config top-k, policy, aggregator, encoder
   * @param bandit the bandit
   * @param weights the reward weights
   * @return the router
   */
  public static BanditRouter of(
      String id,
      ExpertRegistry experts,
      List<String> names,
      RouterConfig config,
      Bandit bandit,
      RewardWeights weights) {
    return new BanditRouter(id, experts, config, names, bandit, weights);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ExpertRegistry experts() {
    return experts;
  }

  @Override
  public RouterConfig config() {
    return config;
  }

  /**
   * @return the bandit
   */
  public Bandit bandit() {
    return bandit;
  }

  /**
   * Replaces the bandit by a saved one (a replica reloading the state that another replica saved).
   *
   * @param state a saved bandit with one arm per expert of this router
   * @throws IllegalArgumentException if the state does not fit this router's experts
   */
  public void restore(BanditState state) {
    Bandit b = Bandit.restore(state);
    if (b.arms() != index.size()) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': saved bandit has "
              + b.arms()
              + " arms for "
              + index.size()
              + " experts");
    }
    this.bandit = b;
  }

  /**
   * @return the expert names, in arm order
   */
  public List<String> expertNames() {
    return index.names();
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    return index.scores(bandit.scores(context(input)), experts);
  }

  @Override
  public void trainSignal(RouterFeedback feedback) {
    double quality = feedback.reward().orElse(1 - feedback.taskLoss());
    Optional<float[]> ctx = context(feedback.input());
    for (ExpertId e : feedback.chosen()) {
      Optional<Integer> arm = index.indexOf(e);
      if (arm.isEmpty()) {
        continue;
      }
      double latency = 0;
      double cost = 0;
      if (experts.byId(e).isPresent()) {
        ExpertStats s = experts.stats(e);
        latency = s.expectedLatencyMs();
        cost = s.expectedCost();
      }
      bandit.update(arm.get(), ctx, weights.reward(quality, latency, cost));
    }
  }

  private Optional<float[]> context(RouterInput input) {
    return switch (input) {
      case RouterInput.Encoded e -> Optional.of(e.encoded().vector());
      case RouterInput.Raw r -> encoder.map(enc -> enc.encode(r.source()).vector());
    };
  }
}
