package io.himoe.branches.metrics;

import java.util.Arrays;

/**
 * The accuracy matrix of a continual-learning run: {@code r[i][j]} is the accuracy (in [0, 1]) on
 * the test set of task {@code j} after training on tasks {@code 0..i}. Rows are training stages,
 * columns are tasks; the matrix is square ({@code T x T}).
 *
 * @param r the accuracies, copied on the way in
 */
public record AccuracyMatrix(double[][] r) {

  /** Validates and copies: square, non-empty, every value in [0, 1]. */
  public AccuracyMatrix {
    if (r == null || r.length == 0) {
      throw new IllegalArgumentException("accuracy matrix is empty");
    }
    double[][] copy = new double[r.length][];
    for (int i = 0; i < r.length; i++) {
      if (r[i] == null || r[i].length != r.length) {
        throw new IllegalArgumentException(
            "accuracy matrix row "
                + i
                + " has "
                + (r[i] == null ? 0 : r[i].length)
                + " entries, expected "
                + r.length);
      }
      for (int j = 0; j < r.length; j++) {
        double v = r[i][j];
        if (!(v >= 0 && v <= 1)) {
          throw new IllegalArgumentException(
              "accuracy r[" + i + "][" + j + "] must be in [0, 1], got " + v);
        }
      }
      copy[i] = r[i].clone();
    }
    r = copy;
  }

  /**
   * @return the number of tasks T
   */
  public int tasks() {
    return r.length;
  }

  /**
   * @param i training stage (after task i)
   * @param j task evaluated
   * @return the accuracy in [0, 1]
   */
  public double at(int i, int j) {
    return r[i][j];
  }

  /**
   * @return a deep copy of the matrix
   */
  @Override
  public double[][] r() {
    double[][] copy = new double[r.length][];
    for (int i = 0; i < r.length; i++) {
      copy[i] = r[i].clone();
    }
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccuracyMatrix m && Arrays.deepEquals(r, m.r);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(r);
  }

  @Override
  public String toString() {
    return "AccuracyMatrix" + Arrays.deepToString(r);
  }
}
