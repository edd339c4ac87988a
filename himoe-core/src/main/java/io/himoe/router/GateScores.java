package io.himoe.router;

import io.himoe.experts.ExpertId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A score per expert. A router's {@code gate} returns raw scores (logits); {@link GatingPolicy}
 * turns them into weights that sum to 1, in selection order: by weight, or — when the gate set
 * selection biases — by raw score plus bias.
 *
 * <p>Selection biases implement DeepSeek-V3's auxiliary-loss-free load balancing: a per-expert bias
 * decides which experts are picked (top k of score + bias), while the weights that mix their
 * answers come from the unbiased scores, so balancing changes who is called but never how much an
 * answer counts.
 *
 * @param scores one entry per expert; ids are unique
 */
public record GateScores(List<Score> scores) implements io.himoe.router.aggregation.GateWeights {

  /**
   * One expert's score.
   *
   * @param id the expert
   * @param value its score: a logit (may be -infinity to exclude it) or a weight; never NaN
   * @param selectionBias added to the raw score only to choose the top k, never to weigh (0 for
   *     none; finite); after the policy it is always 0
   */
  public record Score(ExpertId id, double value, double selectionBias) {
    /** Validates. */
    public Score {
      Objects.requireNonNull(id, "id");
      if (Double.isNaN(value) || value == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("gate score for " + id + " is " + value);
      }
      if (!Double.isFinite(selectionBias)) {
        throw new IllegalArgumentException("selection bias for " + id + " is " + selectionBias);
      }
    }

    /**
     * A score without selection bias.
     *
     * @param id the expert
     * @param value its score
     */
    public Score(ExpertId id, double value) {
      this(id, value, 0.0);
    }
  }

  /** Copies and validates: ids must be unique. */
  public GateScores {
    scores = List.copyOf(scores);
    checkUnique(scores);
  }

  // Runs on every gate and policy step: no hash set (it was most of a request's allocation).
  private static void checkUnique(List<Score> scores) {
    int n = scores.size();
    if (n < 2) {
      return;
    }
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = scores.get(i).id().value();
    }
    if (n <= 32) {
      for (int i = 1; i < n; i++) {
        for (int j = 0; j < i; j++) {
          if (ids[i] == ids[j]) {
            throw new IllegalArgumentException("expert " + scores.get(i).id() + " scored twice");
          }
        }
      }
      return;
    }
    Arrays.sort(ids);
    for (int i = 1; i < n; i++) {
      if (ids[i] == ids[i - 1]) {
        throw new IllegalArgumentException("expert " + new ExpertId(ids[i]) + " scored twice");
      }
    }
  }

  /**
   * @param ids experts
   * @param values their scores, same order
   * @return the scores
   */
  public static GateScores of(List<ExpertId> ids, double[] values) {
    if (ids.size() != values.length) {
      throw new IllegalArgumentException(
          ids.size() + " experts but " + values.length + " gate scores");
    }
    Score[] out = new Score[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = new Score(ids.get(i), values[i]);
    }
    return new GateScores(List.of(out));
  }

  /**
   * Raw scores with DeepSeek-V3 selection biases: the policy picks by {@code value + bias} and
   * weighs by {@code value}.
   *
   * @param ids experts
   * @param values their raw scores, same order
   * @param selectionBiases their selection biases, same order, finite
   * @return the scores
   */
  public static GateScores of(List<ExpertId> ids, double[] values, double[] selectionBiases) {
    if (ids.size() != values.length || ids.size() != selectionBiases.length) {
      throw new IllegalArgumentException(
          ids.size()
              + " experts, "
              + values.length
              + " gate scores and "
              + selectionBiases.length
              + " selection biases");
    }
    Score[] out = new Score[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = new Score(ids.get(i), values[i], selectionBiases[i]);
    }
    return new GateScores(List.of(out));
  }

  /**
   * @return true when some expert has a non-zero selection bias
   */
  public boolean hasSelectionBias() {
    for (Score s : scores) {
      if (s.selectionBias() != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return the number of scored experts
   */
  public int size() {
    return scores.size();
  }

  /**
   * @return the scores as an array, in order
   */
  public double[] values() {
    double[] v = new double[scores.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = scores.get(i).value();
    }
    return v;
  }

  /**
   * @return the expert ids, in order
   */
  public List<ExpertId> ids() {
    // Read per request (decisions, traces): an array wrapped once, not a stream.
    ExpertId[] ids = new ExpertId[scores.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = scores.get(i).id();
    }
    return List.of(ids);
  }

  /**
   * @return id to score
   */
  public Map<ExpertId, Double> asMap() {
    Map<ExpertId, Double> m = HashMap.newHashMap(scores.size());
    for (Score s : scores) {
      m.put(s.id(), s.value());
    }
    return m;
  }

  /**
   * @param id an expert
   * @return its score, or 0 when it is not scored
   */
  @Override
  public double valueOf(ExpertId id) {
    for (Score s : scores) {
      if (s.id().equals(id)) {
        return s.value();
      }
    }
    return 0.0;
  }

  /**
   * Shannon entropy (nats) of these scores read as a distribution (they should be weights).
   *
   * @return the entropy, 0 for one expert
   */
  public double entropy() {
    double h = 0;
    for (Score s : scores) {
      double p = s.value();
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("GateScores[");
    for (int i = 0; i < scores.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(scores.get(i).id()).append('=').append(String.format("%.4f", scores.get(i).value()));
    }
    return b.append(']').toString();
  }

  static GateScores trusted(List<Score> sorted) {
    return new GateScores(sorted);
  }
}
