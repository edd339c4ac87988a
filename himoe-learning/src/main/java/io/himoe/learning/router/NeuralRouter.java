package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.fit.FittedRoutes;
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
import io.himoe.shared.Encoder;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A router whose gate is a {@link NeuralGate} over the encoded input, learning online from {@link
 * RouterFeedback}: cross-entropy towards {@code feedback.target()} when present, otherwise
 * REINFORCE on the chosen experts with {@code feedback.reward()} (or {@code 1 - taskLoss}). Every
 * real routing decision ({@link #onRouted}) records the experts it calls in the gate's load window;
 * previews, shadow credit and replays do not. Optionally, a confidence below a rejection threshold
 * sends the request to a fallback expert only (out of scope).
 */
public final class NeuralRouter implements Router {

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final Encoder encoder;
  private final ExpertIndex index;
  private final GateConfig gateConfig;
  private final AtomicReference<NeuralGate> gate;
  private final double rejectBelow;
  private final Optional<ExpertId> fallback;
  private final AtomicReference<GateLoss> lastLoss = new AtomicReference<>();

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
    this.fallback = Optional.ofNullable(b.fallback).map(ExpertId::of);
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
  }

  /**
   * @return the loss terms of the latest online update, if any
   */
  public Optional<GateLoss> lastLoss() {
    return Optional.ofNullable(lastLoss.get());
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    float[] x = vector(input);
    NeuralGate g = gateFor(x.length);
    double[] logits = g.logits(x);
    boolean rejected = false;
    if (fallback.isPresent() && rejectBelow > 0) {
      double top = java.util.Arrays.stream(Losses.softmax(logits)).max().orElse(0);
      rejected = top < rejectBelow;
    }
    if (rejected) {
      // Out of scope: only the fallback stays a candidate, and the gate's load is not counted.
      java.util.Arrays.fill(logits, Double.NEGATIVE_INFINITY);
      return withFallback(index.scores(logits, experts), 0);
    }
    // DeepSeek-V3: the balancing bias (zero unless BIAS_ONLY) decides who is picked, the
    // unbiased logits how much each answer weighs.
    return withFallback(index.scores(logits, g.bias(), experts), Double.NEGATIVE_INFINITY);
  }

  /** Counts the experts a real decision calls in the gate's load window (never a preview). */
  @Override
  public void onRouted(List<ExpertRef> called) {
    NeuralGate g = gate.get();
    if (g == null) {
      return;
    }
    int[] picked = index.indicesOf(called.stream().map(ExpertRef::id).toList());
    if (picked.length > 0) {
      g.recordRouting(picked);
    }
  }

  /** Sets the fallback's score, adding it when it is not one of the gate's outputs. */
  private GateScores withFallback(GateScores scores, double value) {
    if (fallback.isEmpty()) {
      return scores;
    }
    ExpertId fb = fallback.get();
    List<GateScores.Score> out = new java.util.ArrayList<>(scores.size() + 1);
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
    float[] x = vector(feedback.input());
    NeuralGate g = gateFor(x.length);
    Optional<Integer> target = feedback.target().flatMap(index::indexOf);
    GateSignal signal;
    if (target.isPresent()) {
      signal = new GateSignal.Target(target.get());
    } else {
      int[] chosen = index.indicesOf(feedback.chosen());
      if (chosen.length == 0) {
        return; // nothing this gate chose: nothing to learn
      }
      double reward = feedback.reward().orElse(1 - feedback.taskLoss());
      signal = new GateSignal.Reward(chosen, reward);
    }
    lastLoss.set(g.train(x, signal));
  }

  private float[] vector(RouterInput input) {
    return switch (input) {
      case RouterInput.Encoded e -> e.encoded().vector();
      case RouterInput.Raw r -> encoder.encode(r.source()).vector();
    };
  }

  private NeuralGate gateFor(int dim) {
    NeuralGate g = gate.get();
    if (g == null) {
      gate.compareAndSet(null, NeuralGate.create(dim, index.size(), gateConfig));
      g = gate.get();
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
    private List<String> names;
    private NeuralGate gate;
    private double rejectBelow;
    private String fallback;

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
     * @throws IllegalArgumentException if the gate and the experts disagree
     */
    public NeuralRouter build() {
      return new NeuralRouter(this);
    }
  }
}
