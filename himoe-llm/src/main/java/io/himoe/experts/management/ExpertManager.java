package io.himoe.experts.management;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Seed 002's {@code ExpertManager}: registers and removes experts at run time on an {@link
 * ExpertRegistry}, measures each one (success rate, latency percentiles, load), ranks them with
 * {@link ScoreWeights}, scales {@link Scalable} experts, and flags or removes under-performers by
 * {@link ManagementPolicy}.
 *
 * <p>The registry holds a measuring wrapper around each expert; its metrics exist before the
 * wrapper is published, and the registry's snapshots mean no request sees a half-registered expert.
 * {@link #manage()} is one pass; call it on a schedule (e.g. every few seconds).
 */
public final class ExpertManager {

  private final ExpertRegistry registry;
  private final ManagementPolicy policy;
  private final ScoreWeights weights;
  private final Map<String, Managed> managed = new ConcurrentHashMap<>();

  private record Managed(
      Expert expert, MonitoredExpert monitored, int maxLoad, AtomicBoolean flagged) {}

  private ExpertManager(ExpertRegistry registry, ManagementPolicy policy, ScoreWeights weights) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.weights = Objects.requireNonNull(weights, "weights");
  }

  /**
   * @param registry the registry routers gate over
   * @return a manager with the seed's policy and weights
   */
  public static ExpertManager create(ExpertRegistry registry) {
    return create(registry, ManagementPolicy.ofDefaults(), ScoreWeights.ofDefaults());
  }

  /**
   * @param registry the registry routers gate over
   * @param policy when to scale, flag and remove
   * @param weights how to score
   * @return the manager
   */
  public static ExpertManager create(
      ExpertRegistry registry, ManagementPolicy policy, ScoreWeights weights) {
    return new ExpertManager(registry, policy, weights);
  }

  /**
   * Registers an expert; its capacity is its own when it is {@link Scalable}, else the policy's
   * default.
   *
   * @param expert the expert
   * @return its registry reference (whose expert is the measuring wrapper)
   * @throws IllegalArgumentException if the name is taken
   */
  public ExpertRef register(Expert expert) {
    return register(expert, policy.defaultMaxLoad());
  }

  /**
   * @param expert the expert
   * @param maxLoad calls it is meant to carry at once, when it is not {@link Scalable}
   * @return its registry reference
   * @throws IllegalArgumentException if the name is taken or maxLoad < 1
   */
  public synchronized ExpertRef register(Expert expert, int maxLoad) {
    Objects.requireNonNull(expert, "expert");
    if (maxLoad < 1) {
      throw new IllegalArgumentException(
          "expert " + expert.name() + ": maxLoad must be >= 1, got " + maxLoad);
    }
    MonitoredExpert m = MonitoredExpert.of(expert, new CallWindow(policy.window()));
    Managed entry = new Managed(expert, m, maxLoad, new AtomicBoolean());
    if (managed.putIfAbsent(expert.name(), entry) != null) {
      throw new IllegalArgumentException("expert name '" + expert.name() + "' is already managed");
    }
    try {
      return registry.register(m);
    } catch (RuntimeException e) {
      managed.remove(expert.name(), entry);
      throw e;
    }
  }

  /**
   * Removes an expert: new requests no longer see it; calls in flight finish.
   *
   * @param name its name
   * @return whether it was managed
   */
  public synchronized boolean remove(String name) {
    registry.remove(name);
    return managed.remove(name) != null;
  }

  /**
   * @param name an expert's name
   * @return the expert as registered by the caller (not the measuring wrapper)
   */
  public Optional<Expert> expert(String name) {
    return Optional.ofNullable(managed.get(name)).map(Managed::expert);
  }

  /**
   * @param name an expert's name
   * @return its health now
   */
  public Optional<ExpertHealth> health(String name) {
    return Optional.ofNullable(managed.get(name)).map(m -> health(name, m));
  }

  /**
   * @return every managed expert's health, best score first (ties by name)
   */
  public List<ExpertHealth> ranking() {
    List<ExpertHealth> all = new ArrayList<>();
    managed.forEach((name, m) -> all.add(health(name, m)));
    all.sort(
        Comparator.comparingDouble(ExpertHealth::score)
            .reversed()
            .thenComparing(ExpertHealth::name));
    return all;
  }

  /**
   * One management pass: scale up loaded, well-scored scalable experts; release idle instances;
   * flag (and by policy remove) experts whose success rate is below the threshold.
   *
   * @return what was done, in ranking order
   */
  public List<ManagementAction> manage() {
    List<ManagementAction> actions = new ArrayList<>();
    for (ExpertHealth h : ranking()) {
      Managed m = managed.get(h.name());
      if (m == null) {
        continue;
      }
      if (policy.autoScale() && m.expert() instanceof Scalable s) {
        scale(h, s, actions);
      }
      judge(h, m, actions);
    }
    return actions;
  }

  private void scale(ExpertHealth h, Scalable s, List<ManagementAction> actions) {
    if (h.loadFraction() > policy.scaleUpLoadFraction() && h.score() > policy.scaleUpMinScore()) {
      if (s.addInstance()) {
        actions.add(
            new ManagementAction.ScaledUp(h.name(), s.instances(), h.loadFraction(), h.score()));
      }
    } else if (s.releaseIdleInstance(policy.idleRelease())) {
      actions.add(new ManagementAction.Released(h.name(), s.instances()));
    }
  }

  private void judge(ExpertHealth h, Managed m, List<ManagementAction> actions) {
    if (h.calls() < policy.minCallsToJudge() || h.successRate() >= policy.performanceThreshold()) {
      m.flagged().set(false);
      return;
    }
    String reason =
        String.format(
            java.util.Locale.ROOT,
            "success rate %.2f below %.2f over its last calls",
            h.successRate(),
            policy.performanceThreshold());
    m.flagged().set(true);
    actions.add(new ManagementAction.Flagged(h.name(), reason));
    if (policy.removeUnderperforming() && remove(h.name())) {
      actions.add(new ManagementAction.Removed(h.name(), reason));
    }
  }

  private ExpertHealth health(String name, Managed m) {
    CallWindow w = m.monitored().window;
    int inFlight;
    int capacity;
    int instances;
    if (m.expert() instanceof Scalable s) {
      inFlight = s.load();
      capacity = s.capacity();
      instances = s.instances();
    } else {
      inFlight = m.monitored().inFlight.get();
      capacity = m.maxLoad();
      instances = 1;
    }
    double success = w.successRate();
    double mean = w.mean();
    double load = capacity == 0 ? 0 : (double) inFlight / capacity;
    return new ExpertHealth(
        name,
        w.total(),
        success,
        mean,
        w.percentile(50),
        w.percentile(95),
        w.percentile(99),
        inFlight,
        capacity,
        instances,
        weights.score(success, load, mean),
        m.flagged().get());
  }
}
