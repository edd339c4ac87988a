package io.himoe.branches.model;

import java.util.Objects;

/** How the contextual gate's weights {@code α(c)} over branches turn into an output. */
public sealed interface GateMode {

  /** Soft mix: {@code y = Σ α_i(c)·f(x; W^i)} over every live branch. */
  record Soft() implements GateMode {}

  /**
   * Hard top-k: only the k most probable branches are computed, mixed by their renormalised α.
   *
   * @param k branches computed per input, at least 1
   */
  record TopK(int k) implements GateMode {
    /** Validates. */
    public TopK {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + k);
      }
    }
  }

  /**
   * Parallel + verifier: the p most probable branches are computed, the verifier scores each, and
   * the best is kept ({@code combine = false}) or all are mixed in proportion to their scores.
   *
   * @param p budget of branches computed per input, at least 1
   * @param verifier scores candidate outputs
   * @param combine mix candidates by score instead of keeping the best
   */
  record ParallelVerifier(int p, Verifier verifier, boolean combine) implements GateMode {
    /** Validates. */
    public ParallelVerifier {
      if (p < 1) {
        throw new IllegalArgumentException("p must be >= 1, got " + p);
      }
      Objects.requireNonNull(verifier, "verifier");
    }
  }

  /**
   * @return the soft mix
   */
  static GateMode soft() {
    return new Soft();
  }

  /**
   * @param k branches computed per input
   * @return hard top-k
   */
  static GateMode topK(int k) {
    return new TopK(k);
  }

  /**
   * @param p branches computed per input
   * @param verifier the verifier
   * @return parallel + verifier, keeping the best candidate
   */
  static GateMode parallel(int p, Verifier verifier) {
    return new ParallelVerifier(p, verifier, false);
  }
}
