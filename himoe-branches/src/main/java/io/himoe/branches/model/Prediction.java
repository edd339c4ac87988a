package io.himoe.branches.model;

/**
 * Outputs of a batch through the branched network.
 *
 * @param probabilities class probabilities per input {@code [n][classes]}
 * @param branch per input, the branch with the largest weight in the final mix
 * @param branchEvaluations branch forward passes computed, summed over inputs (compute cost: n for
 *     one branch per input)
 */
public record Prediction(float[][] probabilities, int[] branch, long branchEvaluations) {

  /**
   * @param i input index
   * @return the most probable class of input i
   */
  public int label(int i) {
    float[] p = probabilities[i];
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /**
   * @return the number of inputs
   */
  public int size() {
    return probabilities.length;
  }
}
