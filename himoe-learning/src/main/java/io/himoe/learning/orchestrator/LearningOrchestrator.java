package io.himoe.learning.orchestrator;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.learning.bandit.Bandit;
import io.himoe.orchestrator.OrchestrationFeedback;
import io.himoe.orchestrator.Orchestrator;
import io.himoe.orchestrator.RouterRef;
import io.himoe.orchestrator.ShadowJudge;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An orchestrator that learns too (seed 001 §3). The choice of primary router is a bandit fed by
 * the rewards in {@link OrchestrationFeedback}. Every other router runs as a shadow; when a shadow
 * beats the primary consistently (win rate over a sliding window at or above the credit threshold),
 * the primary's gate is trained on the shadow's decision for that request (offline credit
 * assignment: the shadow's top expert becomes the target), and past the promotion threshold the
 * shadow is promoted to primary candidate while the primary becomes a shadow. Thread-safe.
 */
public final class LearningOrchestrator implements Orchestrator {

  private final List<RouterRef> routers;
  private final Map<String, Integer> arm = new HashMap<>();
  private final Bandit choice;
  private final Set<String> primaries;
  private final ShadowJudge judge;
  private final double creditThreshold;
  private final double promoteThreshold;
  private final int window;
  private final int minComparisons;
  private final Map<String, InputData> inputs;
  private final Map<String, ArrayDeque<Boolean>> outcomes = new HashMap<>();
  private final List<ShadowCredit> events = new ArrayList<>();

  private LearningOrchestrator(Builder b) {
    if (b.routers.isEmpty()) {
      throw new IllegalArgumentException("a learning orchestrator needs at least one router");
    }
    this.routers = List.copyOf(b.routers.values());
    for (int i = 0; i < routers.size(); i++) {
      arm.put(routers.get(i).id(), i);
    }
    if (b.primaries.isEmpty()) {
      throw new IllegalArgumentException(
          "a learning orchestrator needs at least one primary router");
    }
    this.primaries = new LinkedHashSet<>(b.primaries);
    this.choice = b.choice != null ? b.choice : Bandit.thompson(routers.size(), 0.3, 42L);
    if (choice.arms() != routers.size()) {
      throw new IllegalArgumentException(
          "router-choice bandit has " + choice.arms() + " arms for " + routers.size() + " routers");
    }
    this.judge = b.judge;
    this.creditThreshold = b.creditThreshold;
    this.promoteThreshold = b.promoteThreshold;
    this.window = b.window;
    this.minComparisons = b.minComparisons;
    this.inputs =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, InputData> e) {
            // Shadow feedback follows its request closely; older inputs are forgotten.
            return size() > 10_000;
          }
        };
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized RouterRef chooseRouter(InputData input, Context ctx) {
    inputs.put(ctx.traceId(), input);
    double[] s = choice.scores(Optional.empty());
    int best = -1;
    for (int i = 0; i < s.length; i++) {
      if (primaries.contains(routers.get(i).id()) && (best < 0 || s[i] > s[best])) {
        best = i;
      }
    }
    return routers.get(best);
  }

  @Override
  public List<RouterRef> routers() {
    return routers;
  }

  @Override
  public synchronized List<RouterRef> shadows(InputData input, RouterRef primary) {
    return routers.stream().filter(r -> !r.id().equals(primary.id())).toList();
  }

  @Override
  public ShadowJudge shadowJudge() {
    return judge;
  }

  /**
   * @return the routers that can currently be chosen as primary
   */
  public synchronized Set<String> primaries() {
    return Set.copyOf(primaries);
  }

  /**
   * @return the router-choice bandit
   */
  public Bandit choice() {
    return choice;
  }

  /**
   * @return the credit and promotion events so far, oldest first
   */
  public synchronized List<ShadowCredit> events() {
    return List.copyOf(events);
  }

  @Override
  public void feedback(OrchestrationFeedback f) {
    Optional<Runnable> credit;
    synchronized (this) {
      Integer a = arm.get(f.primaryRouter());
      if (a != null && f.reward().isPresent()) {
        choice.update(a, Optional.empty(), f.reward().getAsDouble());
      }
      credit = compare(f);
    }
    // Training the primary runs outside the lock: gates have their own.
    credit.ifPresent(Runnable::run);
  }

  private Optional<Runnable> compare(OrchestrationFeedback f) {
    Optional<Runnable> credit = Optional.empty();
    for (String s : f.shadowsCompared()) {
      boolean won = f.shadowBetter().map(s::equals).orElse(false);
      ArrayDeque<Boolean> q =
          outcomes.computeIfAbsent(f.primaryRouter() + "\u0000" + s, k -> new ArrayDeque<>());
      q.addLast(won);
      if (q.size() > window) {
        q.removeFirst();
      }
      if (!won || q.size() < minComparisons) {
        continue;
      }
      double rate = q.stream().filter(x -> x).count() / (double) q.size();
      if (rate >= promoteThreshold && primaries.contains(f.primaryRouter())) {
        primaries.remove(f.primaryRouter());
        primaries.add(s);
        events.add(new ShadowCredit(f.traceId(), f.primaryRouter(), s, rate, "promotion", ""));
        q.clear();
      }
      if (rate >= creditThreshold && credit.isEmpty()) {
        InputData input = inputs.get(f.traceId());
        Integer primary = arm.get(f.primaryRouter());
        Integer shadow = arm.get(s);
        // Feedback naming a router this orchestrator does not hold has nobody to credit.
        if (input != null && primary != null && shadow != null) {
          RouterRef p = routers.get(primary);
          RouterRef sh = routers.get(shadow);
          credit = Optional.of(() -> assignCredit(f.traceId(), p, sh, rate, input));
        }
      }
    }
    return credit;
  }

  private void assignCredit(
      String traceId, RouterRef primaryRef, RouterRef shadowRef, double rate, InputData input) {
    String primaryId = primaryRef.id();
    String shadowId = shadowRef.id();
    Router primary = primaryRef.router();
    Router shadow = shadowRef.router();
    Context ctx = Context.builder().budget(Duration.ofSeconds(5)).traceId(traceId).build();
    GateScores shadowWeights =
        shadow.config().policy().apply(shadow.gate(encode(shadow, input), ctx));
    if (shadowWeights.size() == 0) {
      return;
    }
    ExpertId target = shadowWeights.scores().getFirst().id();
    Optional<ExpertRef> targetRef = primary.experts().byId(target);
    if (targetRef.isEmpty()) {
      // The shadow's choice is not one the primary can make: nothing to teach, and said so.
      String name = shadow.experts().byId(target).map(ExpertRef::name).orElse(target.toString());
      synchronized (this) {
        events.add(new ShadowCredit(traceId, primaryId, shadowId, rate, "no-credit", name));
      }
      return;
    }
    RouterInput primaryInput = encode(primary, input);
    GateScores primaryWeights = primary.config().policy().apply(primary.gate(primaryInput, ctx));
    // A gate that fails to learn is a fault of the gate: it propagates (the engine logs it).
    primary.trainSignal(
        new RouterFeedback(
            traceId,
            primaryInput,
            primaryWeights,
            List.of(target),
            OptionalDouble.empty(),
            Optional.of(target),
            0,
            Map.of()));
    synchronized (this) {
      events.add(
          new ShadowCredit(traceId, primaryId, shadowId, rate, "credit", targetRef.get().name()));
    }
  }

  private static RouterInput encode(Router r, InputData input) {
    return r.config().encoder().isPresent()
        ? RouterInput.encode(input, r.config().encoder().get())
        : RouterInput.raw(input);
  }

  /** Builds a {@link LearningOrchestrator}. */
  public static final class Builder {
    private final Map<String, RouterRef> routers = new LinkedHashMap<>();
    private final Set<String> primaries = new LinkedHashSet<>();
    private @Nullable Bandit choice; // null: Thompson sampling over the routers
    private ShadowJudge judge = ShadowJudge.byConfidence(0.05);
    private double creditThreshold = 0.6;
    private double promoteThreshold = 0.8;
    private int window = 50;
    private int minComparisons = 20;

    private Builder() {}

    /**
     * @param r a router that can be chosen as primary
     * @return this
     */
    public Builder router(Router r) {
      add(r);
      primaries.add(r.id());
      return this;
    }

    /**
     * @param r a router that starts as a shadow only (it can be promoted)
     * @return this
     */
    public Builder shadow(Router r) {
      add(r);
      return this;
    }

    private void add(Router r) {
      if (routers.putIfAbsent(r.id(), RouterRef.of(r)) != null) {
        throw new IllegalArgumentException("router '" + r.id() + "' is added twice");
      }
    }

    /**
     * @param b the router-choice bandit, one arm per router in the order added (default Thompson
     *     sampling, scale 0.3, seed 42)
     * @return this
     */
    public Builder choice(Bandit b) {
      this.choice = Objects.requireNonNull(b, "choice");
      return this;
    }

    /**
     * @param j compares a shadow's result with the primary's
     * @return this
     */
    public Builder shadowJudge(ShadowJudge j) {
      this.judge = Objects.requireNonNull(j, "judge");
      return this;
    }

    /**
     * @param credit win rate at which the primary learns from the shadow's decisions, in (0, 1]
     * @param promote win rate at which the shadow is promoted, in (0, 1] (above 1 never)
     * @return this
     */
    public Builder thresholds(double credit, double promote) {
      if (!(credit > 0 && credit <= 1)) {
        throw new IllegalArgumentException("credit threshold must be in (0, 1], got " + credit);
      }
      if (!(promote > 0) || Double.isNaN(promote)) {
        throw new IllegalArgumentException("promotion threshold must be > 0, got " + promote);
      }
      this.creditThreshold = credit;
      this.promoteThreshold = promote;
      return this;
    }

    /**
     * @param size comparisons in the sliding window, &gt;= 1
     * @param min comparisons needed before any credit or promotion, in [1, size]
     * @return this
     */
    public Builder window(int size, int min) {
      if (size < 1 || min < 1 || min > size) {
        throw new IllegalArgumentException(
            "window must be >= 1 and min comparisons in [1, window], got " + size + "/" + min);
      }
      this.window = size;
      this.minComparisons = min;
      return this;
    }

    /**
     * @return the orchestrator
     */
    public LearningOrchestrator build() {
      return new LearningOrchestrator(this);
    }
  }
}
