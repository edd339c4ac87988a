package io.himoe.runtime.complexity;

import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * A complexity assessor whose weights are learned: softmax (multinomial logistic) regression over
 * the three levels, on the five rule factors plus, optionally, an {@link Encoder}'s embedding of
 * the prompt. It is fitted from {@link ComplexityExample}s (which level a request turned out to
 * need), in batch with {@link #fit} or online with {@link #update}. Until it has seen an example it
 * answers like the rule assessor it was built with.
 *
 * <p>The score is the expected level, {@code P(MEDIUM)/2 + P(HIGH)}, in [0, 1]; the level is the
 * most probable one. Training is deterministic for a given seed (it shuffles with it). Thread-safe:
 * readers see a consistent snapshot of the weights.
 */
public final class LearnedComplexityAssessor implements ComplexityAssessor {

  private static final int LEVELS = ComplexityLevel.values().length;
  private static final int FACTORS = ComplexityFactor.values().length;

  private final ComplexityAssessor prior;
  private final Optional<Encoder> encoder;
  private final double learningRate;
  private final double l2;
  private final int epochs;
  private final Random random;
  // [level][feature]; replaced whole on every update so readers need no lock.
  private volatile double @Nullable [][] weights;
  private volatile int seen;

  private LearnedComplexityAssessor(Builder b) {
    this.prior = b.prior;
    this.encoder = Optional.ofNullable(b.encoder);
    this.learningRate = b.learningRate;
    this.l2 = b.l2;
    this.epochs = b.epochs;
    this.random = new Random(b.seed);
  }

  /**
   * @return a builder: rule prior with default weights, no encoder, learning rate 0.5, L2 1e-4, 200
   *     epochs, seed 42
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fits the weights from scratch on a batch of examples (stochastic gradient descent, shuffled
   * with the seed every epoch).
   *
   * @param examples the examples, not empty
   * @return this assessor
   */
  public synchronized LearnedComplexityAssessor fit(List<ComplexityExample> examples) {
    if (examples == null || examples.isEmpty()) {
      throw new IllegalArgumentException("complexity examples are empty");
    }
    List<double[]> xs = new ArrayList<>(examples.size());
    for (ComplexityExample e : examples) {
      xs.add(features(e.prompt()));
    }
    double[][] w = new double[LEVELS][xs.getFirst().length];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      order.add(i);
    }
    for (int epoch = 0; epoch < epochs; epoch++) {
      Collections.shuffle(order, random);
      for (int i : order) {
        step(w, xs.get(i), examples.get(i).needed().ordinal(), learningRate);
      }
    }
    weights = w;
    seen += examples.size();
    return this;
  }

  /**
   * Learns from one example (a single gradient step), without forgetting earlier ones.
   *
   * @param example the feedback
   */
  public synchronized void update(ComplexityExample example) {
    Objects.requireNonNull(example, "example");
    double[] x = features(example.prompt());
    double[][] current = weights;
    double[][] w = new double[LEVELS][];
    for (int k = 0; k < LEVELS; k++) {
      w[k] = current == null ? new double[x.length] : current[k].clone();
    }
    step(w, x, example.needed().ordinal(), learningRate);
    weights = w;
    seen++;
  }

  /**
   * @return how many examples the model has learned from
   */
  public int examplesSeen() {
    return seen;
  }

  /**
   * @param prompt the request text
   * @return the probability of each level, or empty before any training
   */
  public Optional<EnumMap<ComplexityLevel, Double>> probabilities(String prompt) {
    double[][] w = weights;
    if (w == null) {
      return Optional.empty();
    }
    double[] p = softmax(w, features(prompt));
    EnumMap<ComplexityLevel, Double> out = new EnumMap<>(ComplexityLevel.class);
    for (ComplexityLevel l : ComplexityLevel.values()) {
      out.put(l, p[l.ordinal()]);
    }
    return Optional.of(out);
  }

  @Override
  public Complexity assess(String prompt) {
    Complexity rules = prior.assess(prompt);
    double[][] w = weights;
    if (w == null) {
      return rules;
    }
    double[] p = softmax(w, features(rules, prompt));
    int best = 0;
    for (int k = 1; k < LEVELS; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    double score = Math.min(1.0, Math.max(0.0, 0.5 * p[1] + p[2]));
    return new Complexity(score, ComplexityLevel.values()[best], rules.factors());
  }

  private double[] features(String prompt) {
    return features(prior.assess(prompt), prompt);
  }

  // [1 (bias), the five factors, the embedding if any].
  private double[] features(Complexity rules, String prompt) {
    float[] emb = encoder.map(e -> embed(e, prompt)).orElse(new float[0]);
    double[] x = new double[1 + FACTORS + emb.length];
    x[0] = 1.0;
    for (ComplexityFactor f : ComplexityFactor.values()) {
      x[1 + f.ordinal()] = rules.factor(f);
    }
    for (int i = 0; i < emb.length; i++) {
      x[1 + FACTORS + i] = emb[i];
    }
    double[][] w = weights;
    if (w != null && w[0].length != x.length) {
      throw new IllegalStateException(
          "encoder dimension changed: model has "
              + (w[0].length - 1 - FACTORS)
              + " embedding features, encoder gave "
              + emb.length);
    }
    return x;
  }

  private static float[] embed(Encoder e, String prompt) {
    Encoded v = e.encode(InputData.text(prompt));
    return v.vector();
  }

  private void step(double[][] w, double[] x, int label, double lr) {
    double[] p = softmax(w, x);
    for (int k = 0; k < LEVELS; k++) {
      double g = p[k] - (k == label ? 1.0 : 0.0);
      double[] wk = w[k];
      for (int j = 0; j < x.length; j++) {
        wk[j] -= lr * (g * x[j] + (j == 0 ? 0.0 : l2 * wk[j]));
      }
    }
  }

  private static double[] softmax(double[][] w, double[] x) {
    double[] z = new double[LEVELS];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < LEVELS; k++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += w[k][j] * x[j];
      }
      z[k] = s;
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int k = 0; k < LEVELS; k++) {
      z[k] = Math.exp(z[k] - max);
      sum += z[k];
    }
    for (int k = 0; k < LEVELS; k++) {
      z[k] /= sum;
    }
    return z;
  }

  /** Builds a {@link LearnedComplexityAssessor}. */
  public static final class Builder {
    private ComplexityAssessor prior = ComplexityAssessor.ofDefaults();
    private @Nullable Encoder encoder;
    private double learningRate = 0.5;
    private double l2 = 1e-4;
    private int epochs = 200;
    private long seed = 42;

    private Builder() {}

    /**
     * @param rules the rule assessor whose factors are the features (and which answers before
     *     training)
     * @return this builder
     */
    public Builder prior(ComplexityAssessor rules) {
      this.prior = Objects.requireNonNull(rules, "prior");
      return this;
    }

    /**
     * @param e an encoder whose embedding of the prompt is added to the features
     * @return this builder
     */
    public Builder encoder(Encoder e) {
      this.encoder = Objects.requireNonNull(e, "encoder");
      return this;
    }

    /**
     * @param rate the SGD step size, &gt; 0
     * @return this builder
     */
    public Builder learningRate(double rate) {
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("learningRate must be finite and > 0, got " + rate);
      }
      this.learningRate = rate;
      return this;
    }

    /**
     * @param lambda L2 penalty on non-bias weights, &gt;= 0
     * @return this builder
     */
    public Builder l2(double lambda) {
      if (!(lambda >= 0) || Double.isInfinite(lambda)) {
        throw new IllegalArgumentException("l2 must be finite and >= 0, got " + lambda);
      }
      this.l2 = lambda;
      return this;
    }

    /**
     * @param n passes over the data in {@link #fit}, &gt;= 1
     * @return this builder
     */
    public Builder epochs(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("epochs must be >= 1, got " + n);
      }
      this.epochs = n;
      return this;
    }

    /**
     * @param s the shuffling seed
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * @return the assessor, untrained
     */
    public LearnedComplexityAssessor build() {
      return new LearnedComplexityAssessor(this);
    }
  }
}
