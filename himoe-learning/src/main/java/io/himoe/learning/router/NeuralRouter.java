package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.fit.RouteFitter;
import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.gate.GateLoss;
import io.himoe.learning.gate.GateSignal;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.gate.NeuralGate;
import io.himoe.learning.nn.Losses;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A router whose gate is a {@link NeuralGate} over the encoded input, learning online from {@link
 * RouterFeedback}: cross-entropy towards {@code feedback.target()} when present, otherwise
 * REINFORCE on the chosen experts with {@code feedback.reward()} (or {@code 1 - taskLoss}). Every
 * real routing decision ({@link #onRouted}) records the experts it calls in the gate's load window;
 * previews, shadow credit and replays do not. Optionally, a confidence below a rejection threshold
 * sends the request to a fallback expert only (out of scope).
 *
 * <p>The gate's outputs follow the registry ({@link #syncExperts()}, checked before every decision
 * at the cost of one reference comparison): an expert registered later gets a new output,
 * warm-started from its {@link ExpertHint} (examples or description) against the examples the gate
 * was fitted on and the latest feedback inputs, and an exploration bonus on its selection score
 * until it has had some feedback; an expert removed from the registry loses its output. Its {@link
 * #provenance()} says what the state comes from.
 */
public final class NeuralRouter implements Router {

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final Encoder encoder;
  private final GateConfig gateConfig;
  private final AtomicReference<@Nullable NeuralGate> gate; // null until the first input
  private final double rejectBelow;
  private final Optional<ExpertId> fallback;
  private final @Nullable String fallbackName;
  private final AtomicReference<@Nullable GateLoss> lastLoss = new AtomicReference<>();
  private final Function<String, ExpertHint> hints;
  private final double exploreBonus;
  private final int exploreFeedbacks;
  private final Anchors anchors;
  private final Lineage lineage = new Lineage();
  private final String configHash;
  // Reads (decisions, feedback) share it; re-laying out the outputs takes it alone.
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile ExpertIndex index;
  private volatile @Nullable VersionBase versionCache;
  private volatile List<ExpertRef> seen = List.of();
  // Registered when the router was built without an output, and not to be given one.
  private final Set<String> ignored = new HashSet<>();

  private NeuralRouter(Builder b) {
    this.id = b.id;
    this.experts = b.experts;
    this.encoder = b.encoder;
    this.config = b.config.withEncoder(b.encoder);
    this.index =
        ExpertIndex.of(b.names != null ? b.names : ExpertIndex.ofRegistry(b.experts).names());
    this.gateConfig = b.gateConfig;
    this.gate = new AtomicReference<>(b.gate);
    if (b.gate != null && b.gate.experts() != index.size()) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': gate has "
              + b.gate.experts()
              + " outputs for "
              + index.size()
              + " experts");
    }
    this.rejectBelow = b.rejectBelow;
    this.fallbackName = b.fallback;
    this.fallback = Optional.ofNullable(b.fallback).map(ExpertId::of);
    this.hints = b.hints;
    this.exploreBonus = b.exploreBonus;
    this.exploreFeedbacks = b.exploreFeedbacks;
    this.anchors = new Anchors(b.examples);
    // Experts registered without an output when it is built are left out, unless it is asked to
    // adopt every registered expert: only experts registered later grow the gate.
    if (!b.adoptRegistered) {
      for (ExpertRef r : experts.list()) {
        if (index.position(r.name()) < 0) {
          ignored.add(r.name());
        }
      }
    }
    this.configHash =
        Provenance.sha256(
            "neural|"
                + gateConfig
                + "|topK="
                + config.topK()
                + "|"
                + config.policy()
                + "|reject="
                + rejectBelow
                + "|fallback="
                + fallbackName
                + "|explore="
                + exploreBonus
                + "/"
                + exploreFeedbacks);
    if (b.restored != null) {
      // restored(gate, provenance) sets both: a restored router always has its gate.
      checkRestorable(Objects.requireNonNull(b.gate, "restored gate"), b.restored);
      lineage.restore(b.restored);
    } else {
      for (LabelledText t : b.examples) {
        lineage.examples(t.label(), List.of(t.text()));
      }
    }
    syncExperts();
  }

  /**
   * @param id the router's id
   * @param experts the experts it gates over
   * @param encoder turns inputs into the gate's vectors
   * @return a builder
   */
  public static Builder builder(String id, ExpertRegistry experts, Encoder encoder) {
    return new Builder(id, experts, encoder);
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
   * @return the expert names, in the gate's output order
   */
  public List<String> expertNames() {
    return index.names();
  }

  /**
   * @return the gate once it exists: given at build time, or created from the first input's
   *     dimension; empty before that
   */
  public Optional<NeuralGate> createdGate() {
    return Optional.ofNullable(gate.get());
  }

  /**
   * @return the gate (created from the first input's dimension when none was given)
   * @throws IllegalStateException if no input has been seen yet and no gate was given
   */
  public NeuralGate gate() {
    NeuralGate g = gate.get();
    if (g == null) {
      throw new IllegalStateException("router '" + id + "': gate not created yet (no input seen)");
    }
    return g;
  }

  /**
   * Replaces the gate by a saved one (a replica reloading the state that another replica saved);
   * requests in flight finish on the gate they started with.
   *
   * @param state a saved gate with one output per expert of this router
   * @throws IllegalArgumentException if the state does not fit this router's experts
   */
  public void restore(GateState state) {
    NeuralGate g = NeuralGate.restore(state);
    lock.writeLock().lock();
    try {
      if (g.experts() != index.size()) {
        throw new IllegalArgumentException(
            "router '"
                + id
                + "': saved gate has "
                + g.experts()
                + " outputs for "
                + index.size()
                + " experts");
      }
      gate.set(g);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Replaces the gate and its outputs by saved ones: the outputs are the provenance's experts, in
   * order, and the lineage continues from it; experts registered here and missing from it get an
   * output at once (warm-started), as if just added.
   *
   * @param state a saved gate
   * @param p its provenance
   * @throws IllegalArgumentException if they disagree, or the gate was trained on another encoder
   */
  public void restore(GateState state, Provenance p) {
    NeuralGate g = NeuralGate.restore(state);
    checkRestorable(g, p);
    lock.writeLock().lock();
    try {
      gate.set(g);
      index = ExpertIndex.of(p.experts());
      lineage.restore(p);
      seen = List.of();
    } finally {
      lock.writeLock().unlock();
    }
    syncExperts();
  }

  private void checkRestorable(NeuralGate g, Provenance p) {
    if (g.experts() != p.experts().size()) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': saved gate has "
              + g.experts()
              + " outputs for "
              + p.experts().size()
              + " experts");
    }
    if (!p.encoderId().equals(encoder.id())) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': the saved gate was trained on encoder '"
              + p.encoderId()
              + "', this router uses '"
              + encoder.id()
              + "'");
    }
  }

  /**
   * @return the loss terms of the latest online update, if any
   */
  public Optional<GateLoss> lastLoss() {
    return Optional.ofNullable(lastLoss.get());
  }

  /**
   * @return where this router's learned state comes from, now
   */
  public Provenance provenance() {
    lock.readLock().lock();
    try {
      NeuralGate g = gate.get();
      return new Provenance(
          id,
          "neural",
          encoder.id(),
          g == null ? 0 : g.inputs(),
          index.names(),
          configHash,
          g == null ? 0 : g.updates(),
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
   * @param state the gate's state
   * @param provenance its provenance (its experts are the state's outputs, in order)
   */
  public record Saved(io.himoe.learning.gate.GateState state, Provenance provenance) {}

  /**
   * @return the gate's state with its provenance, consistent with each other
   * @throws IllegalStateException if no gate exists yet
   */
  public Saved snapshot() {
    lock.readLock().lock();
    try {
      return new Saved(gate().state(), provenance());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<String> gateVersion() {
    // Cheap enough for every request: the hash part changes only with the experts or examples.
    NeuralGate g = gate.get();
    return Optional.of(versionBase() + "." + (g == null ? 0 : g.updates()));
  }

  /** The hash part of the version, for one index and one examples digest (by identity). */
  private record VersionBase(ExpertIndex index, String digest, String base) {}

  private String versionBase() {
    ExpertIndex idx = index;
    String digest = lineage.examplesDigest();
    VersionBase cached = versionCache;
    if (cached != null && cached.index() == idx && cached.digest() == digest) {
      return cached.base();
    }
    String base = Provenance.versionBase(configHash, idx.names(), digest);
    versionCache = new VersionBase(idx, digest, base);
    return base;
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    syncExperts();
    Encoded x = encoded(input);
    lock.readLock().lock();
    try {
      ExpertIndex idx = index;
      NeuralGate g = gateFor(x.dimension());
      double[] logits = g.logits(x);
      if (fallback.isPresent() && rejectBelow > 0) {
        double top = Arrays.stream(Losses.softmax(logits)).max().orElse(0);
        if (top < rejectBelow) {
          // Out of scope: only the fallback stays a candidate.
          Arrays.fill(logits, Double.NEGATIVE_INFINITY);
          return withFallback(idx.scores(logits, experts), 0);
        }
      }
      // DeepSeek-V3: the bias (balancing, plus the bonus of outputs still exploring) decides who
      // is picked, the unbiased logits how much each answer weighs.
      double[] bias = g.explorationBias(exploreBonus, exploreFeedbacks);
      return withFallback(idx.scores(logits, bias, experts), Double.NEGATIVE_INFINITY);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Counts the experts a real decision calls in the gate's load window (never a preview). */
  @Override
  public void onRouted(List<ExpertRef> called) {
    lock.readLock().lock();
    try {
      NeuralGate g = gate.get();
      if (g == null) {
        return;
      }
      int[] picked = index.indicesOfCalled(called);
      if (picked.length > 0) {
        g.recordRouting(picked);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Sets the fallback's score, adding it when it is not one of the gate's outputs. */
  private GateScores withFallback(GateScores scores, double value) {
    if (fallback.isEmpty()) {
      return scores;
    }
    ExpertId fb = fallback.get();
    List<GateScores.Score> out = new ArrayList<>(scores.size() + 1);
    boolean found = false;
    for (GateScores.Score s : scores.scores()) {
      if (s.id().equals(fb)) {
        found = true;
        out.add(new GateScores.Score(fb, value == 0 ? 0 : s.value(), s.selectionBias()));
      } else {
        out.add(s);
      }
    }
    if (!found) {
      out.add(new GateScores.Score(fb, value));
    }
    return new GateScores(out);
  }

  @Override
  public void trainSignal(RouterFeedback feedback) {
    syncExperts();
    float[] x = encoded(feedback.input()).vector();
    lock.readLock().lock();
    try {
      ExpertIndex idx = index;
      NeuralGate g = gateFor(x.length);
      Optional<Integer> target = feedback.target().flatMap(idx::indexOf);
      GateSignal signal;
      if (target.isPresent()) {
        signal = new GateSignal.Target(target.get());
      } else {
        int[] chosen = idx.indicesOf(feedback.chosen());
        if (chosen.length == 0) {
          return; // nothing this gate chose: nothing to learn
        }
        double reward = feedback.reward().orElse(1 - feedback.taskLoss());
        signal = new GateSignal.Reward(chosen, reward);
      }
      anchors.remember(x, target.map(t -> idx.names().get(t)).orElse(null));
      lineage.feedback(feedback);
      lastLoss.set(g.train(x, signal));
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Brings the gate's outputs in line with the registry: an expert registered since the last look
   * (other than the fallback) gets an output, warm-started from its hint; an expert that was
   * registered then and is not now loses its output. Outputs of experts never registered (routes
   * fitted for experts that come later) are kept, excluded from decisions. Decisions and feedback
   * call it; call it yourself to pay for a warm start before the next request does.
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
        if (idx.position(r.name()) < 0
            && !r.name().equals(fallbackName)
            && !ignored.contains(r.name())) {
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
        keep.add(0); // a gate keeps at least one output
      }
      if (!add.isEmpty() || keep.size() != idx.size()) {
        reshape(keep.stream().mapToInt(Integer::intValue).toArray(), add);
      }
      seen = now;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Under the write lock: re-lays out the outputs and warm-starts the added ones. */
  private void reshape(int[] keep, List<String> add) {
    ExpertIndex next = index.select(keep).plus(add);
    NeuralGate g = gate.get();
    if (g != null) {
      NeuralGate reshaped = g.reshaped(keep, add.size());
      if (!add.isEmpty()) {
        Anchors.Sample sample = anchors.sample(encoder);
        for (int a = 0; a < add.size(); a++) {
          warmStart(reshaped, keep.length + a, add.get(a), next, sample);
        }
      }
      gate.set(reshaped);
    } else {
      add.forEach(n -> lineage.examples(n, hints.apply(n).texts()));
    }
    index = next;
  }

  private void warmStart(
      NeuralGate g, int output, String name, ExpertIndex next, Anchors.Sample sample) {
    List<String> texts = hints.apply(name).texts();
    try {
      List<float[]> positives = new ArrayList<>(texts.size());
      for (String t : texts) {
        positives.add(encoder.encode(InputData.text(t)).vector());
      }
      int[] targets = new int[sample.experts().size()];
      for (int i = 0; i < targets.length; i++) {
        String e = sample.experts().get(i);
        targets[i] = e == null ? -1 : next.position(e);
      }
      g.warmStart(output, positives, sample.vectors(), targets);
      lineage.examples(name, texts);
    } catch (MoeError | IllegalArgumentException unusable) {
      // Examples the encoder refuses: the output starts cold and explores.
    }
  }

  /** The encoded input, shared (an {@link Encoded} is immutable: no copy). */
  private Encoded encoded(RouterInput input) {
    return switch (input) {
      case RouterInput.Encoded e -> e.encoded();
      case RouterInput.Raw r -> encoder.encode(r.source());
    };
  }

  /** Under the read lock (or the write lock). */
  private NeuralGate gateFor(int dim) {
    NeuralGate g = gate.get();
    if (g == null) {
      gate.compareAndSet(null, NeuralGate.create(dim, index.size(), gateConfig));
      // Set by this thread or a racing one; a gate is never unset.
      g = Objects.requireNonNull(gate.get(), "gate");
    }
    if (g.inputs() != dim) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "': encoder gave dimension "
              + dim
              + ", the gate expects "
              + g.inputs());
    }
    return g;
  }

  /** Builds a {@link NeuralRouter}. */
  public static final class Builder {
    private final String id;
    private final ExpertRegistry experts;
    private final Encoder encoder;
    private RouterConfig config = RouterConfig.of(1);
    private GateConfig gateConfig = GateConfig.ofDefaults();
    private @Nullable List<String> names; // null: the registry's experts
    private @Nullable NeuralGate gate; // null: created on the first input
    private double rejectBelow;
    private @Nullable String fallback;
    private Function<String, ExpertHint> hints = ExpertHint.noHints();
    private double exploreBonus = 1.0;
    private int exploreFeedbacks = 20;
    private List<LabelledText> examples = List.of();
    private @Nullable Provenance restored;
    private boolean adoptRegistered;

    private Builder(String id, ExpertRegistry experts, Encoder encoder) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("router id must not be blank");
      }
      this.id = id;
      this.experts = Objects.requireNonNull(experts, "experts");
      this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    /**
     * @param c top-k, policy, aggregator (the encoder is set by the builder)
     * @return this
     */
    public Builder config(RouterConfig c) {
      this.config = Objects.requireNonNull(c, "config");
      return this;
    }

    /**
     * @param k experts to call per request
     * @return this
     */
    public Builder topK(int k) {
      this.config = config.withTopK(k);
      return this;
    }

    /**
     * @param c how a fresh gate learns
     * @return this
     */
    public Builder gateConfig(GateConfig c) {
      this.gateConfig = Objects.requireNonNull(c, "gateConfig");
      return this;
    }

    /**
     * @param expertNames the gate's outputs, in order (default: the registry's experts when built)
     * @return this
     */
    public Builder expertNames(List<String> expertNames) {
      this.names = List.copyOf(expertNames);
      return this;
    }

    /**
     * @param g an existing gate (restored from a snapshot, or seeded from a fitted one)
     * @return this
     */
    public Builder gate(NeuralGate g) {
      this.gate = Objects.requireNonNull(g, "gate");
      return this;
    }

    /**
     * Continues from a snapshot: the saved gate, whose outputs are the provenance's experts in
     * order, and the saved lineage (digests, feedback count).
     *
     * @param g the saved gate
     * @param p its provenance
     * @return this
     */
    public Builder restore(NeuralGate g, Provenance p) {
      this.gate = Objects.requireNonNull(g, "gate");
      this.restored = Objects.requireNonNull(p, "provenance");
      this.names = p.experts();
      return this;
    }

    /**
     * Starts from routes fitted offline: the route labels become the expert names and the
     * calibrated threshold sends out-of-scope requests to the fallback.
     *
     * @param routes fitted by {@link RouteFitter}
     * @param fallbackExpert the registered expert for out-of-scope requests (for example an {@link
     *     OutOfScopeExpert}); it need not be one of the labels
     * @return this
     */
    public Builder fromFitted(FittedRoutes routes, String fallbackExpert) {
      this.names = routes.labels();
      this.gate = NeuralGate.of(RouteFitter.network(routes), gateConfig);
      this.rejectBelow = routes.threshold();
      this.fallback = fallbackExpert;
      this.restored = null;
      return this;
    }

    /**
     * @param fitted the examples the gate was fitted on: their digest is part of the provenance,
     *     and they anchor the warm start of experts added later (at most 512 are kept)
     * @return this
     */
    public Builder trainingExamples(List<LabelledText> fitted) {
      this.examples = List.copyOf(fitted);
      return this;
    }

    /**
     * @param h what is known about an expert registered after the router was built
     * @return this
     */
    public Builder hints(Function<String, ExpertHint> h) {
      this.hints = Objects.requireNonNull(h, "hints");
      return this;
    }

    /**
     * @param bonus selection bonus of an output added at run time, in logits, &gt;= 0 (default 1)
     * @param feedbacks feedbacks over which the bonus fades to 0, &gt;= 1 (default 20)
     * @return this
     */
    public Builder exploration(double bonus, int feedbacks) {
      if (!(bonus >= 0) || Double.isInfinite(bonus)) {
        throw new IllegalArgumentException("exploration bonus must be >= 0, got " + bonus);
      }
      if (feedbacks < 1) {
        throw new IllegalArgumentException("exploration feedbacks must be >= 1, got " + feedbacks);
      }
      this.exploreBonus = bonus;
      this.exploreFeedbacks = feedbacks;
      return this;
    }

    /**
     * Gives an output to every expert registered when the router is built that the gate does not
     * have yet (other than the fallback), as if it had been added at run time: warm-started from
     * its hint and exploring. Without it, only experts registered later get one.
     *
     * @return this
     */
    public Builder adoptRegistered() {
      this.adoptRegistered = true;
      return this;
    }

    /**
     * @param threshold top gate probability below which a request is out of scope, in [0, 1]
     * @param fallbackExpert the expert that then answers alone
     * @return this
     */
    public Builder rejectBelow(double threshold, String fallbackExpert) {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException("reject threshold must be in [0, 1], got " + threshold);
      }
      this.rejectBelow = threshold;
      this.fallback = Objects.requireNonNull(fallbackExpert, "fallbackExpert");
      return this;
    }

    /**
     * @return the router
     * @throws IllegalArgumentException if the gate and the experts disagree, or a restored gate was
     *     trained on another encoder
     */
    public NeuralRouter build() {
      return new NeuralRouter(this);
    }
  }
}
