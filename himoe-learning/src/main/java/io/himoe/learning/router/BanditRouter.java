package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A router whose gate is a {@link Bandit}: each expert is an arm, and feedback on a decision
 * updates the arms that were called with {@code weights.reward(quality, latency, cost)}, where the
 * quality is {@code feedback.reward()} (or {@code 1 - taskLoss}) and the latency and cost are the
 * expert's observed averages from the registry's {@link ExpertStats}. With an encoder the bandit
 * receives the encoded input as context (required by LinUCB).
 *
 * <p>Its arms follow the registry ({@link #syncExperts()}, checked before every decision): an
 * expert registered after the router was built gets a fresh arm, which the bandit explores (UCB1
 * plays it first); an expert removed from the registry loses its arm.
 */
public final class BanditRouter implements Router {

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final Optional<Encoder> encoder;
  private final RewardWeights weights;
  private final Lineage lineage = new Lineage();
  private final String configHash;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile ExpertIndex index;
  private volatile @Nullable VersionBase versionCache;
  private volatile Bandit bandit;
  private volatile List<ExpertRef> seen = List.of();
  // Registered when the router was built without an arm, and not to be given one.
  private final Set<String> ignored = new HashSet<>();

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
    for (ExpertRef r : experts.list()) {
      if (index.position(r.name()) < 0) {
        ignored.add(r.name());
      }
    }
    BanditState s = bandit.state();
    this.configHash =
        Provenance.sha256(
            "bandit|"
                + s.kind()
                + "|"
                + s.param()
                + "|"
                + s.seed()
                + "|"
                + weights
                + "|topK="
                + config.topK()
                + "|"
                + config.policy());
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
   * @return the bandit (a new one after the arms changed)
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
    lock.writeLock().lock();
    try {
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
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Replaces the bandit and its arms by saved ones: the arms are the provenance's experts, in
   * order, and the lineage continues from it. Experts registered since then get an arm at the next
   * decision.
   *
   * @param state a saved bandit
   * @param p its provenance
   * @throws IllegalArgumentException if they disagree on the number of arms
   */
  public void restore(BanditState state, Provenance p) {
    Bandit b = Bandit.restore(state);
    if (b.arms() != p.experts().size()) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': saved bandit has "
              + b.arms()
              + " arms for "
              + p.experts().size()
              + " experts");
    }
    lock.writeLock().lock();
    try {
      this.bandit = b;
      this.index = ExpertIndex.of(p.experts());
      lineage.restore(p);
      this.seen = List.of();
    } finally {
      lock.writeLock().unlock();
    }
    syncExperts();
  }

  /**
   * Continues the lineage of a snapshot (digests and feedback count).
   *
   * @param p the saved provenance
   * @return this
   */
  public BanditRouter restoreLineage(Provenance p) {
    lineage.restore(p);
    return this;
  }

  /**
   * @return where this router's learned state comes from, now
   */
  public Provenance provenance() {
    lock.readLock().lock();
    try {
      BanditState s = bandit.state();
      return new Provenance(
          id,
          "bandit:" + s.kind(),
          encoder.map(Encoder::id).orElse(""),
          s.dim(),
          index.names(),
          configHash,
          java.util.Arrays.stream(s.counts()).sum(),
          lineage.feedbacks(),
          lineage.examplesDigest(),
          lineage.feedbackDigest());
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The learned state and its provenance, taken together.
   *
   * @param state the bandit's state
   * @param provenance its provenance (its experts are the arms, in order)
   */
  public record Saved(BanditState state, Provenance provenance) {}

  /**
   * @return the bandit's state with its provenance, consistent with each other
   */
  public Saved snapshot() {
    lock.readLock().lock();
    try {
      return new Saved(bandit.state(), provenance());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The hash part of the version, for one set of arms (by identity). */
  private record VersionBase(ExpertIndex index, String base) {}

  @Override
  public Optional<String> gateVersion() {
    // Cheap enough for every request: the hash part changes only with the arms.
    ExpertIndex idx = index;
    VersionBase cached = versionCache;
    String base;
    if (cached != null && cached.index() == idx) {
      base = cached.base();
    } else {
      base = Provenance.versionBase(configHash, idx.names(), lineage.examplesDigest());
      versionCache = new VersionBase(idx, base);
    }
    long plays = 0;
    for (long c : bandit.counts()) {
      plays += c;
    }
    return Optional.of(base + "." + plays);
  }

  /**
   * Brings the arms in line with the registry: an expert registered since the last look gets a
   * fresh arm; one registered then and not now loses its arm (the last arm always stays).
   */
  public void syncExperts() {
    if (experts.list() == seen) {
      return;
    }
    lock.writeLock().lock();
    try {
      List<ExpertRef> now = experts.list();
      if (now == seen) {
        return;
      }
      Set<String> registered = new HashSet<>();
      now.forEach(r -> registered.add(r.name()));
      Set<String> before = new HashSet<>();
      seen.forEach(r -> before.add(r.name()));
      ExpertIndex idx = index;
      List<String> add = new ArrayList<>();
      for (ExpertRef r : now) {
        if (idx.position(r.name()) < 0 && !ignored.contains(r.name())) {
          add.add(r.name());
        }
      }
      List<Integer> keep = new ArrayList<>();
      for (int k = 0; k < idx.size(); k++) {
        String n = idx.names().get(k);
        if (!before.contains(n) || registered.contains(n)) {
          keep.add(k);
        }
      }
      if (keep.isEmpty() && add.isEmpty()) {
        keep.add(0);
      }
      if (!add.isEmpty() || keep.size() != idx.size()) {
        int[] k = keep.stream().mapToInt(Integer::intValue).toArray();
        bandit = bandit.reshaped(k, add.size());
        index = idx.select(k).plus(add);
      }
      seen = now;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * @return the expert names, in arm order
   */
  public List<String> expertNames() {
    return index.names();
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    syncExperts();
    Optional<float[]> x = context(input);
    lock.readLock().lock();
    try {
      return index.scores(bandit.scores(x), experts);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void trainSignal(RouterFeedback feedback) {
    syncExperts();
    double quality = feedback.reward().orElse(1 - feedback.taskLoss());
    Optional<float[]> ctx = context(feedback.input());
    lock.readLock().lock();
    try {
      lineage.feedback(feedback);
      for (ExpertId e : feedback.chosen()) {
        Optional<Integer> arm = index.indexOf(e);
        if (arm.isEmpty()) {
          continue;
        }
        double latency = 0;
        double cost = 0;
        if (experts.byId(e).isPresent()) {
          try {
            ExpertStats s = experts.stats(e);
            latency = s.expectedLatencyMs();
            cost = s.expectedCost();
          } catch (IllegalArgumentException removedMeanwhile) {
            // Its statistics went with it: credit the quality alone.
          }
        }
        bandit.update(arm.get(), ctx, weights.reward(quality, latency, cost));
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private Optional<float[]> context(RouterInput input) {
    return switch (input) {
      case RouterInput.Encoded e -> Optional.of(e.encoded().vector());
      case RouterInput.Raw r -> encoder.map(enc -> enc.encode(r.source()).vector());
    };
  }
}
