package io.himoe.router;

import java.util.Comparator;
import java.util.List;

/**
 * How raw gate scores become weights (seed 001): a numerically stable softmax at a temperature, an
 * exploration floor {@code (1-ε)·w + ε/n}, then an order by weight with a deterministic tie-break
 * by a hash of the expert id and the seed, so that equal weights are ordered the same way on every
 * run and machine but not always in favour of the same expert across seeds.
 *
 * @param temperature softmax temperature, &gt; 0 (lower is sharper)
 * @param epsilon exploration floor in [0, 1]
 * @param seed tie-break seed
 */
public record GatingPolicy(double temperature, double epsilon, long seed) {

  /** Validates. */
  public GatingPolicy {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be > 0 and finite, got " + temperature);
    }
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
    }
  }

  /**
   * @return temperature 1, no exploration, seed 0
   */
  public static GatingPolicy ofDefaults() {
    return new GatingPolicy(1.0, 0.0, 0L);
  }

  /**
   * Softmax of {@code xs / temp}, shifted by the maximum so that no exponent overflows. Entries at
   * -infinity get weight 0; if all are -infinity the result is uniform (no information).
   *
   * @param xs scores, none NaN or +infinity
   * @param temp temperature &gt; 0
   * @return weights summing to 1
   */
  public static double[] softmaxStable(double[] xs, double temp) {
    if (!(temp > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temp);
    }
    int n = xs.length;
    double[] out = new double[n];
    if (n == 0) {
      return out;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("softmax input " + x + " is not a valid score");
      }
      max = Math.max(max, x);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      java.util.Arrays.fill(out, 1.0 / n);
      return out;
    }
    double invT = 1.0 / temp;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp((xs[i] - max) * invT);
      sum += out[i];
    }
    // sum >= 1 because the max term is exp(0).
    for (int i = 0; i < n; i++) {
      out[i] /= sum;
    }
    return out;
  }

  /**
   * Applies softmax and the exploration floor, then sorts by weight (descending) with the
   * deterministic tie-break. When the scores carry selection biases, the weights still come from
   * the unbiased scores but the order is that of score + bias (DeepSeek-V3 balancing), so the top k
   * picked are the biased top k.
   *
   * @param scores raw scores
   * @param policy the policy
   * @return weights summing to 1, in selection order
   */
  public static GateScores gateWithPolicy(GateScores scores, GatingPolicy policy) {
    return policy.apply(scores);
  }

  /**
   * Instance form of {@link #gateWithPolicy}.
   *
   * @param scores raw scores
   * @return weights summing to 1, sorted
   */
  public GateScores apply(GateScores scores) {
    int n = scores.size();
    List<GateScores.Score> in = scores.scores();
    double[] w = softmaxStable(scores.values(), temperature);
    boolean biased = scores.hasSelectionBias();
    // Sort keys computed once per entry (the tie-break hash was most of the sort's cost): the
    // biased raw score when there are selection biases, then the weight, then the seeded hash.
    double[] first = new double[n];
    long[] tie = new long[n];
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = (1 - epsilon) * w[i] + epsilon / n;
      GateScores.Score s = in.get(i);
      first[i] = biased ? s.value() + s.selectionBias() : w[i];
      tie[i] = s.id().tieBreak(seed);
      idx[i] = i;
    }
    sortIndices(
        idx,
        (a, b) -> {
          int c = Double.compare(first[b], first[a]);
          if (c == 0 && biased) {
            c = Double.compare(w[b], w[a]);
          }
          return c != 0 ? c : Long.compareUnsigned(tie[a], tie[b]);
        });
    GateScores.Score[] out = new GateScores.Score[n];
    for (int j = 0; j < n; j++) {
      int i = idx[j];
      out[j] = new GateScores.Score(in.get(i).id(), w[i]);
    }
    return GateScores.trusted(List.of(out));
  }

  /** An order on indices, without boxing them. */
  @FunctionalInterface
  private interface IndexOrder {
    int compare(int a, int b);
  }

  /**
   * Stable merge sort of primitive indices (insertion sort below 16): the policy runs on every
   * request, and sorting boxed indices with a general comparator was the largest part of its cost
   * with hundreds of experts.
   */
  private static void sortIndices(int[] idx, IndexOrder order) {
    int n = idx.length;
    for (int lo = 0; lo < n; lo += 16) {
      int hi = Math.min(n, lo + 16);
      for (int i = lo + 1; i < hi; i++) {
        int v = idx[i];
        int j = i - 1;
        while (j >= lo && order.compare(idx[j], v) > 0) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = v;
      }
    }
    int[] src = idx;
    int[] dst = new int[n];
    for (int width = 16; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(n, lo + width);
        int hi = Math.min(n, lo + 2 * width);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
          // take from the left run on ties: stable
          dst[k] = j >= hi || (i < mid && order.compare(src[i], src[j]) <= 0) ? src[i++] : src[j++];
        }
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != idx) {
      System.arraycopy(src, 0, idx, 0, n);
    }
  }

  /**
   * @return the ordering: weight descending, then the seeded hash of the id
   */
  public Comparator<GateScores.Score> order() {
    return (a, b) -> {
      int c = Double.compare(b.value(), a.value());
      return c != 0 ? c : Long.compareUnsigned(a.id().tieBreak(seed), b.id().tieBreak(seed));
    };
  }
}
