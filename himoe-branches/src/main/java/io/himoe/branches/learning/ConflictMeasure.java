package io.himoe.branches.learning;

/** How the conflict between a new task's gradient and a branch's stored gradient is measured. */
public enum ConflictMeasure {
  /** Plain cosine of the two gradients. */
  COSINE,
  /**
   * Cosine in the metric of the branch's diagonal Fisher information: {@code Σ F·a·b / sqrt(Σ F·a²
   * · Σ F·b²)}, so directions that matter for what the branch learned weigh more.
   */
  FISHER_COSINE;

  /**
   * @param a new gradient
   * @param b stored gradient, same length
   * @param fisher diagonal Fisher of the branch, same length (ignored by {@link #COSINE})
   * @return the similarity in [-1, 1]; 0 when a gradient is zero
   */
  public double similarity(float[] a, float[] b, float[] fisher) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "gradients have " + a.length + " and " + b.length + " entries");
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      double w = this == FISHER_COSINE ? fisher[i] + 1e-12 : 1;
      dot += w * a[i] * b[i];
      na += w * a[i] * a[i];
      nb += w * b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
