package io.himoe.learning.costquality;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.OutcomeExample;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * A router that sends each request to the expert with the highest {@code predicted quality − w ·
 * cost}, with the one weight {@code w} calibrated so that the choice reaches a target on held-out
 * outcomes — RouteLLM's calibrated threshold, for any number of experts: the cheapest policy
 * reaching a share of the best single expert's quality ({@link CostTarget.Quality}) or the best
 * quality under a mean cost per request ({@link CostTarget.MaxCost}).
 *
 * <p>Where its knowledge comes from: an outcome set (queries, each scored for every expert of the
 * router, e.g. from an offline evaluation of the models) fits one quality predictor per expert on
 * four fifths of the rows ({@link QualityPredictor}) and calibrates {@code w} on the other fifth
 * (every fifth row), exactly as {@code himoe eval outcomes --target-quality} does. Feedback then
 * moves the predictor of the expert that answered towards the observed reward (live traffic only
 * reveals the called expert's quality, so it cannot calibrate by itself), and every {@code
 * recalibrateEvery} rewards {@code w} is calibrated again on the held-out rows with the moved
 * predictors, so the target keeps holding on them.
 *
 * <p>Costs are the experts' expected cost per request in cost units (a function of the input, e.g.
 * a price per call plus a price per token); they are divided by the mean cost of the priciest
 * expert on the calibration rows before calibration, so the weight grid suits any price scale. Gate
 * logits are utilities times {@link #SHARPNESS}; an expert without a predictor (registered later)
 * scores {@code -∞} and is never chosen. Thread-safe.
 */
public final class CostQualityRouter implements Router {

  /**
   * Gate logits are {@code SHARPNESS · (quality − w · cost)}: a utility lead of 0.05 weighs an
   * expert e times more than the next.
   */
  public static final double SHARPNESS = 20;

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final Encoder encoder;
  private final List<String> names;
  private final Map<ExpertId, Integer> output;
  private final List<ToDoubleFunction<InputData>> costs;
  private final QualityPredictor predictor;
  private final float[][] calVectors;
  private final double[][] calScores;
  private final double[][] calCosts;
  private final double costScale;
  private final CostTarget target;
  private final double learningRate;
  private final int recalibrateEvery;
  private final AtomicLong rewards = new AtomicLong();
  private final Object calibrating = new Object();
  private volatile CostQualityPolicy policy;

  private CostQualityRouter(Builder b, Encoder encoder, QualityPredictor predictor, Split split) {
    this.id = b.id;
    this.experts = b.experts;
    this.config = b.config;
    this.encoder = encoder;
    this.names = List.copyOf(b.names);
    Map<ExpertId, Integer> out = new HashMap<>();
    List<ToDoubleFunction<InputData>> c = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      out.put(ExpertId.of(names.get(k)), k);
      c.add(b.costOf(names.get(k)));
    }
    this.output = Map.copyOf(out);
    this.costs = List.copyOf(c);
    this.predictor = predictor;
    this.calVectors = split.calVectors;
    this.calScores = split.calScores;
    this.calCosts = split.calCosts;
    double scale = 0;
    for (int k = 0; k < names.size(); k++) {
      double mean = 0;
      for (double[] row : calCosts) {
        mean += row[k] / calCosts.length;
      }
      scale = Math.max(scale, mean);
    }
    this.costScale = scale > 0 ? scale : 1;
    this.target = b.target;
    this.learningRate = b.learningRate;
    this.recalibrateEvery = b.recalibrateEvery;
    this.policy = calibrate();
  }

  /**
   * @param id the router's id
   * @param experts the experts it routes to; each needs a cost and a score in every outcome row
   * @param config top-k (1 is the calibrated choice), policy, aggregator and the encoder the
   *     predictors read (required)
   * @return a builder
   */
  public static Builder builder(String id, ExpertRegistry experts, RouterConfig config) {
    return new Builder(id, experts, config);
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

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    double[] quality = predictor.predict(vector(input));
    CostQualityPolicy p = policy;
    double w = p.costWeight();
    List<ExpertRef> refs = experts.list();
    List<ExpertId> ids = new ArrayList<>(refs.size());
    double[] values = new double[refs.size()];
    for (int i = 0; i < refs.size(); i++) {
      ExpertRef r = refs.get(i);
      ids.add(r.id());
      Integer k = output.get(r.id());
      values[i] =
          k == null
              ? Double.NEGATIVE_INFINITY
              : SHARPNESS
                  * (quality[k] - w * costs.get(k).applyAsDouble(input.source()) / costScale);
    }
    return GateScores.of(ids, values);
  }

  /**
   * Moves the predictor of each called expert towards the feedback's reward (clamped to [0, 1]);
   * feedback without a reward teaches nothing. Every {@code recalibrateEvery} rewards the weight is
   * calibrated again on the held-out outcome rows.
   */
  @Override
  public void trainSignal(RouterFeedback feedback) {
    if (feedback.reward().isEmpty() || learningRate == 0) {
      return;
    }
    double reward = Math.clamp(feedback.reward().getAsDouble(), 0.0, 1.0);
    float[] x = vector(feedback.input());
    for (ExpertId e : feedback.chosen()) {
      Integer k = output.get(e);
      if (k != null) {
        predictor.learn(x, k, reward, learningRate);
      }
    }
    if (rewards.incrementAndGet() % recalibrateEvery == 0) {
      synchronized (calibrating) {
        policy = calibrate();
      }
    }
  }

  @Override
  public Optional<String> gateVersion() {
    return Optional.of("cost-quality:" + rewards.get());
  }

  /**
   * @return the policy in force, in cost units per request: the weight, what was asked, whether the
   *     held-out rows reached it, and the quality and mean cost it had there
   */
  public CostQualityPolicy policy() {
    CostQualityPolicy p = policy;
    return new CostQualityPolicy(
        p.costWeight() / costScale,
        target,
        p.reached(),
        p.quality(),
        p.cost() * costScale,
        p.referenceModel(),
        p.referenceQuality());
  }

  /**
   * @return rewards learned since the router was built
   */
  public long rewardsLearned() {
    return rewards.get();
  }

  /**
   * @param input a request
   * @return every expert's predicted quality on it, by name
   */
  public Map<String, Double> predictQuality(InputData input) {
    double[] q = predictor.predict(encoder.encode(input).vector());
    Map<String, Double> out = new LinkedHashMap<>();
    for (int k = 0; k < names.size(); k++) {
      out.put(names.get(k), q[k]);
    }
    return out;
  }

  private float[] vector(RouterInput input) {
    return switch (input) {
      case RouterInput.Encoded e -> e.encoded().vector();
      case RouterInput.Raw r -> encoder.encode(r.source()).vector();
    };
  }

  private CostQualityPolicy calibrate() {
    List<Map<String, Double>> predicted = new ArrayList<>(calVectors.length);
    List<Map<String, Double>> scores = new ArrayList<>(calVectors.length);
    List<Map<String, Double>> cost = new ArrayList<>(calVectors.length);
    for (int i = 0; i < calVectors.length; i++) {
      double[] q = predictor.predict(calVectors[i]);
      Map<String, Double> p = new HashMap<>();
      Map<String, Double> s = new HashMap<>();
      Map<String, Double> c = new HashMap<>();
      for (int k = 0; k < names.size(); k++) {
        p.put(names.get(k), q[k]);
        s.put(names.get(k), calScores[i][k]);
        c.put(names.get(k), calCosts[i][k] / costScale);
      }
      predicted.add(p);
      scores.add(s);
      cost.add(c);
    }
    CostTarget scaled =
        switch (target) {
          case CostTarget.Quality q -> q;
          case CostTarget.MaxCost m -> new CostTarget.MaxCost(m.cost() / costScale);
        };
    return CostQualityPolicy.calibrate(predicted, scores, cost, scaled);
  }

  @Override
  public String toString() {
    CostQualityPolicy p = policy();
    return String.format(
        Locale.ROOT,
        "CostQualityRouter[%s: weight %.4g, held-out quality %.4f (best single %s %.4f), mean cost"
            + " %.4g, %d rewards]",
        id,
        p.costWeight(),
        p.quality(),
        p.referenceModel(),
        p.referenceQuality(),
        p.cost(),
        rewards.get());
  }

  /** Held-out rows kept for calibration: vectors, every expert's score and cost. */
  private record Split(float[][] calVectors, double[][] calScores, double[][] calCosts) {}

  /** Builds a {@link CostQualityRouter}: fits the predictors and calibrates the weight. */
  public static final class Builder {
    private final String id;
    private final ExpertRegistry experts;
    private final RouterConfig config;
    private final List<String> names = new ArrayList<>();
    private final Map<String, ToDoubleFunction<InputData>> costs = new HashMap<>();
    private List<OutcomeExample> outcomes = List.of();
    private CostTarget target = new CostTarget.Quality(1.0);
    private Optional<FitOptions> fit = Optional.empty();
    private double learningRate = 0.1;
    private int recalibrateEvery = 50;

    /** Minibatch steps the default fit takes at least, so that a small outcome set is learnt. */
    static final int MIN_STEPS = 400;

    private Builder(String id, ExpertRegistry experts, RouterConfig config) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("router id must not be blank");
      }
      this.id = id;
      this.experts = Objects.requireNonNull(experts, "experts");
      this.config = Objects.requireNonNull(config, "config");
      experts.list().forEach(r -> names.add(r.name()));
    }

    /**
     * @param expert an expert of the router
     * @param costPerRequest its expected cost of answering a request, in cost units, &gt;= 0
     * @return this builder
     */
    public Builder cost(String expert, ToDoubleFunction<InputData> costPerRequest) {
      costs.put(expert, Objects.requireNonNull(costPerRequest, "costPerRequest"));
      return this;
    }

    /**
     * @param rows queries each scored for every expert of the router (other models' scores are
     *     ignored), at least 5: every fifth row calibrates, the others fit the predictors
     * @return this builder
     */
    public Builder outcomes(List<OutcomeExample> rows) {
      this.outcomes = List.copyOf(rows);
      return this;
    }

    /**
     * @param target what the calibrated policy must reach (default: the best single expert's
     *     quality, {@code Quality(1.0)}); a {@link CostTarget.MaxCost} is in cost units per request
     * @return this builder
     */
    public Builder target(CostTarget target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * @param options how the predictors are fitted (default: {@link FitOptions#ofDefaults()},
     *     linear, one logistic regression per expert, with enough epochs for at least {@value
     *     #MIN_STEPS} minibatch steps however few the rows)
     * @return this builder
     */
    public Builder fit(FitOptions options) {
      this.fit = Optional.of(options);
      return this;
    }

    /**
     * @param rate step size of a feedback's update of the answering expert's predictor, &gt;= 0 (0:
     *     feedback teaches nothing; default 0.1)
     * @param recalibrateEvery rewards between two calibrations of the weight, &gt;= 1 (default 50)
     * @return this builder
     */
    public Builder learning(double rate, int recalibrateEvery) {
      if (!(rate >= 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("learning rate must be >= 0 and finite, got " + rate);
      }
      if (recalibrateEvery < 1) {
        throw new IllegalArgumentException(
            "recalibrate_every must be >= 1, got " + recalibrateEvery);
      }
      this.learningRate = rate;
      this.recalibrateEvery = recalibrateEvery;
      return this;
    }

    /**
     * Encodes the outcome rows, fits the predictors on four fifths of them and calibrates the
     * weight on the other fifth.
     *
     * @return the router
     * @throws IllegalArgumentException naming the problem: no encoder, an expert without a cost,
     *     too few rows, a row that does not score an expert
     */
    public CostQualityRouter build() {
      Encoder encoder =
          config
              .encoder()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "router '" + id + "': a cost-quality router needs an encoder"));
      if (names.isEmpty()) {
        throw new IllegalArgumentException("router '" + id + "': no expert to route to");
      }
      for (String n : names) {
        costOf(n); // every expert needs a cost before any row is encoded
      }
      if (outcomes.size() < 5) {
        throw new IllegalArgumentException(
            "router '"
                + id
                + "': a cost-quality router needs at least 5 outcome rows (every fifth one"
                + " calibrates), got "
                + outcomes.size());
      }
      int n = outcomes.size();
      int cal = n / 5;
      float[][] fitX = new float[n - cal][];
      double[][] fitY = new double[n - cal][];
      float[][] calX = new float[cal][];
      double[][] calY = new double[cal][];
      double[][] calC = new double[cal][];
      List<InputData> inputs = new ArrayList<>(n);
      outcomes.forEach(o -> inputs.add(InputData.text(o.text())));
      List<io.himoe.shared.Encoded> vectors = encoder.encodeAll(inputs);
      for (int i = 0; i < n; i++) {
        OutcomeExample o = outcomes.get(i);
        double[] y = new double[names.size()];
        for (int k = 0; k < y.length; k++) {
          Double s = o.scores().get(names.get(k));
          if (s == null) {
            throw new IllegalArgumentException(
                "router '"
                    + id
                    + "': outcome row "
                    + (i + 1)
                    + " has no score for expert '"
                    + names.get(k)
                    + "'");
          }
          y[k] = s;
        }
        float[] x = vectors.get(i).vector();
        if (i % 5 == 4) {
          int j = i / 5;
          calX[j] = x;
          calY[j] = y;
          double[] c = new double[names.size()];
          for (int k = 0; k < c.length; k++) {
            c[k] = costOf(names.get(k)).applyAsDouble(inputs.get(i));
          }
          calC[j] = c;
        } else {
          int j = i - (i + 1) / 5;
          fitX[j] = x;
          fitY[j] = y;
        }
      }
      FitOptions options =
          fit.orElseGet(
              () -> {
                FitOptions d = FitOptions.ofDefaults();
                int batches = (fitX.length + d.batchSize() - 1) / d.batchSize();
                return d.withEpochs(Math.max(d.epochs(), (MIN_STEPS + batches - 1) / batches));
              });
      QualityPredictor predictor = QualityPredictor.fit(fitX, fitY, options);
      return new CostQualityRouter(this, encoder, predictor, new Split(calX, calY, calC));
    }

    private ToDoubleFunction<InputData> costOf(String expert) {
      ToDoubleFunction<InputData> c = costs.get(expert);
      if (c == null) {
        throw new IllegalArgumentException(
            "router '" + id + "': no cost for expert '" + expert + "'");
      }
      return c;
    }
  }
}
