package io.himoe.branches.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Labelled examples: features {@code x[i]} with class {@code y[i]}.
 *
 * @param x features, one row per example, all the same width
 * @param y labels, same length as x
 */
public record Dataset(float[][] x, int[] y) {

  /** Validates. */
  public Dataset {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " inputs but " + y.length + " labels");
    }
    for (int i = 1; i < x.length; i++) {
      if (x[i].length != x[0].length) {
        throw new IllegalArgumentException(
            "input " + i + " has " + x[i].length + " features, input 0 has " + x[0].length);
      }
    }
  }

  /**
   * @return number of examples
   */
  public int size() {
    return y.length;
  }

  /**
   * @return feature width (0 when empty)
   */
  public int width() {
    return x.length == 0 ? 0 : x[0].length;
  }

  /**
   * @param from first index, inclusive
   * @param to last index, exclusive
   * @return a view of that range (rows are shared)
   */
  public Dataset slice(int from, int to) {
    return new Dataset(Arrays.copyOfRange(x, from, to), Arrays.copyOfRange(y, from, to));
  }

  /**
   * @param random the shuffle's source
   * @return the same examples in a random order (rows are shared)
   */
  public Dataset shuffled(Random random) {
    int[] idx = new int[size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    for (int i = idx.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return select(idx);
  }

  /**
   * @param idx indices to keep
   * @return those examples, in that order
   */
  public Dataset select(int[] idx) {
    float[][] sx = new float[idx.length][];
    int[] sy = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      sx[i] = x[idx[i]];
      sy[i] = y[idx[i]];
    }
    return new Dataset(sx, sy);
  }

  /**
   * @param other more examples of the same width
   * @return both, this first
   */
  public Dataset concat(Dataset other) {
    float[][] cx = Arrays.copyOf(x, x.length + other.x.length);
    System.arraycopy(other.x, 0, cx, x.length, other.x.length);
    int[] cy = Arrays.copyOf(y, y.length + other.y.length);
    System.arraycopy(other.y, 0, cy, y.length, other.y.length);
    return new Dataset(cx, cy);
  }

  /**
   * @param map new label per old label
   * @return the same inputs relabelled
   */
  public Dataset relabel(java.util.function.IntUnaryOperator map) {
    int[] ny = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      ny[i] = map.applyAsInt(y[i]);
    }
    return new Dataset(x, ny);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dataset d && Arrays.deepEquals(x, d.x) && Arrays.equals(y, d.y);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(x) + Arrays.hashCode(y);
  }

  @Override
  public String toString() {
    return "Dataset[" + size() + " x " + width() + "]";
  }
}
