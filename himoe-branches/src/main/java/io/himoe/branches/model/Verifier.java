package io.himoe.branches.model;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * Scores one branch's output in the parallel + verifier gate mode. Scores are in [0, 1], higher is
 * better; the mode keeps the best-scored branch or mixes them in proportion to their scores.
 */
@FunctionalInterface
public interface Verifier {

  /**
   * @param probs the candidate's class probabilities
   * @param all every candidate's probabilities for the same input (including this one)
   * @return a score in [0, 1]
   */
  double score(float[] probs, List<float[]> all);

  /**
   * Statistical: the top class probability.
   *
   * @return the verifier
   */
  static Verifier confidence() {
    return (p, all) -> {
      float best = 0;
      for (float v : p) {
        best = Math.max(best, v);
      }
      return best;
    };
  }

  /**
   * Statistical: {@code 1 - H(p)/log(C)}, 1 for a one-hot output, 0 for a uniform one.
   *
   * @return the verifier
   */
  static Verifier lowEntropy() {
    return (p, all) -> {
      double h = 0;
      for (float v : p) {
        if (v > 0) {
          h -= v * Math.log(v);
        }
      }
      return p.length < 2 ? 1 : Math.max(0, 1 - h / Math.log(p.length));
    };
  }

  /**
   * Statistical: mean overlap {@code Σ min(p, q)} with the other candidates (1 when alone).
   *
   * @return the verifier
   */
  static Verifier agreement() {
    return (p, all) -> {
      double s = 0;
      int n = 0;
      for (float[] q : all) {
        if (q == p) {
          continue;
        }
        double o = 0;
        for (int c = 0; c < p.length; c++) {
          o += Math.min(p[c], q[c]);
        }
        s += o;
        n++;
      }
      return n == 0 ? 1 : s / n;
    };
  }

  /**
   * Rule-based: the probability mass on the classes the rule allows (a user's symbolic constraint,
   * e.g. "only these intents are valid in this context").
   *
   * @param allowed whether a class index is allowed
   * @return the verifier
   */
  static Verifier rule(IntPredicate allowed) {
    return (p, all) -> {
      double s = 0;
      for (int c = 0; c < p.length; c++) {
        if (allowed.test(c)) {
          s += p[c];
        }
      }
      return Math.min(1, s);
    };
  }

  /**
   * @param other another verifier
   * @return the product of both scores (both must agree)
   */
  default Verifier and(Verifier other) {
    return (p, all) -> score(p, all) * other.score(p, all);
  }
}
