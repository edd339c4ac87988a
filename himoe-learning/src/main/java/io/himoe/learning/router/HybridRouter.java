package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.RouterInput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The hybrid score of seed 002: {@code sharpness·(w_gate·gate + w_self·canHandle − penalty·[load ≥
 * max])}, where {@code gate} is an inner learning router's probability for the expert (its raw
 * scores through its own policy), {@code canHandle} the expert's own confidence for the input text
 * and the penalty applies while the expert has at least its maximum number of calls in flight.
 * Feedback trains the inner router. Uses the inner router's experts and encoder.
 */
public final class HybridRouter implements Router {

  private final String id;
  private final Router inner;
  private final RouterConfig config;
  private final double wGate;
  private final double wSelf;
  private final double penalty;
  private final double sharpness;
  private final Map<String, Integer> maxLoad;

  private HybridRouter(Builder b) {
    this.id = b.id;
    this.inner = b.inner;
    this.config = b.config == null ? inner.config() : b.config;
    this.wGate = b.wGate;
    this.wSelf = b.wSelf;
    this.penalty = b.penalty;
    this.sharpness = b.sharpness;
    this.maxLoad = Map.copyOf(b.maxLoad);
  }

  /**
   * @param id the router's id
   * @param inner the learning router giving the gate term (neural or bandit)
   * @return a builder with w_gate 0.7, w_self 0.3, penalty 1, sharpness 8, no load limits
   */
  public static Builder builder(String id, Router inner) {
    return new Builder(id, inner);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ExpertRegistry experts() {
    return inner.experts();
  }

  @Override
  public RouterConfig config() {
    return config;
  }

  /**
   * @return the inner router
   */
  public Router inner() {
    return inner;
  }

  /**
   * Scores every expert. When the inner gate's scores carry selection biases (a neural gate with
   * bias-only balancing), the hybrid carries them too: its weights come from the inner gate's
   * unbiased probabilities, and each expert's selection bias is {@code sharpness·w_gate·(g' − g)},
   * where {@code g'} is the inner probability computed from the biased scores, so the top k are
   * picked as if the gate term were biased and weighed as if it were not (DeepSeek-V3's rule, one
   * level up).
   */
  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    GateScores raw = inner.gate(input, ctx);
    GateScores gate = inner.config().policy().apply(raw);
    GateScores biasedGate = null;
    if (raw.hasSelectionBias()) {
      double[] shifted = raw.values();
      for (int i = 0; i < shifted.length; i++) {
        shifted[i] += raw.scores().get(i).selectionBias();
      }
      biasedGate = inner.config().policy().apply(GateScores.of(raw.ids(), shifted));
    }
    String text = input.source().routingText();
    List<ExpertRef> refs = experts().list();
    double[] s = new double[refs.size()];
    double[] bias = new double[refs.size()];
    for (int i = 0; i < s.length; i++) {
      ExpertRef r = refs.get(i);
      double g = gate.valueOf(r.id());
      double self = clamp01(r.expert().canHandle(text));
      Integer max = maxLoad.get(r.name());
      boolean loaded = max != null && experts().stats(r.id()).inFlight() >= max;
      s[i] = sharpness * (wGate * g + wSelf * self - (loaded ? penalty : 0));
      if (biasedGate != null) {
        bias[i] = sharpness * wGate * (biasedGate.valueOf(r.id()) - g);
      }
    }
    List<ExpertId> ids = refs.stream().map(ExpertRef::id).toList();
    return biasedGate == null ? GateScores.of(ids, s) : GateScores.of(ids, s, bias);
  }

  private static double clamp01(double x) {
    return Double.isNaN(x) ? 0 : Math.max(0, Math.min(1, x));
  }

  @Override
  public void trainSignal(RouterFeedback feedback) {
    inner.trainSignal(feedback);
  }

  @Override
  public void onRouted(List<ExpertRef> called) {
    inner.onRouted(called);
  }

  @Override
  public java.util.Optional<String> gateVersion() {
    return inner.gateVersion();
  }

  /** Builds a {@link HybridRouter}. */
  public static final class Builder {
    private final String id;
    private final Router inner;
    private @Nullable RouterConfig config; // null: the inner router's
    private double wGate = 0.7;
    private double wSelf = 0.3;
    private double penalty = 1.0;
    private double sharpness = 8.0;
    private final Map<String, Integer> maxLoad = new HashMap<>();

    private Builder(String id, Router inner) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("router id must not be blank");
      }
      this.id = id;
      this.inner = Objects.requireNonNull(inner, "inner");
    }

    /**
     * @param gate weight of the inner gate's probability, &gt;= 0
     * @param self weight of the expert's own confidence, &gt;= 0
     * @return this
     */
    public Builder weights(double gate, double self) {
      check("w_gate", gate);
      check("w_self", self);
      this.wGate = gate;
      this.wSelf = self;
      return this;
    }

    /**
     * @param p score removed from an expert at or over its max load, &gt;= 0
     * @return this
     */
    public Builder loadPenalty(double p) {
      check("load penalty", p);
      this.penalty = p;
      return this;
    }

    /**
     * @param s multiplier of the score before the policy's softmax, &gt; 0
     * @return this
     */
    public Builder sharpness(double s) {
      check("sharpness", s);
      if (s == 0) {
        throw new IllegalArgumentException("sharpness must be > 0");
      }
      this.sharpness = s;
      return this;
    }

    /**
     * @param expert an expert's name
     * @param calls calls in flight at which it is penalised, &gt;= 1
     * @return this
     */
    public Builder maxLoad(String expert, int calls) {
      if (calls < 1) {
        throw new IllegalArgumentException(
            "max load of '" + expert + "' must be >= 1, got " + calls);
      }
      maxLoad.put(Objects.requireNonNull(expert, "expert"), calls);
      return this;
    }

    /**
     * @param c top-k, policy, aggregator (default: the inner router's)
     * @return this
     */
    public Builder config(RouterConfig c) {
      this.config = Objects.requireNonNull(c, "config");
      return this;
    }

    private static void check(String name, double v) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(name + " must be >= 0 and finite, got " + v);
      }
    }

    /**
     * @return the router
     */
    public HybridRouter build() {
      return new HybridRouter(this);
    }
  }
}
