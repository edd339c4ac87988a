package io.himoe.learning.bandit;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything a bandit has learned, for snapshots.
 *
 * @param kind {@code ucb1}, {@code thompson} or {@code linucb}
 * @param param the exploration parameter (UCB1's c, Thompson's prior scale, LinUCB's α)
 * @param arms number of arms
 * @param dim context dimension (LinUCB), 0 otherwise
 * @param counts plays per arm
 * @param sums reward sums per arm
 * @param sumSquares squared reward sums per arm
 * @param matrices per arm, LinUCB's inverse design matrix (row-major d·d); empty otherwise
 * @param vectors per arm, LinUCB's reward-weighted context sum (d); empty otherwise
 * @param seed random seed (Thompson sampling)
 */
public record BanditState(
    String kind,
    double param,
    int arms,
    int dim,
    long[] counts,
    double[] sums,
    double[] sumSquares,
    double[][] matrices,
    double[][] vectors,
    long seed) {

  /** Validates and copies. */
  public BanditState {
    Objects.requireNonNull(kind, "kind");
    if (counts.length != arms || sums.length != arms || sumSquares.length != arms) {
      throw new IllegalArgumentException("bandit state: statistics do not match " + arms + " arms");
    }
    counts = counts.clone();
    sums = sums.clone();
    sumSquares = sumSquares.clone();
    matrices = deep(matrices);
    vectors = deep(vectors);
  }

  private static double[][] deep(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  /**
   * @return a copy
   */
  @Override
  public long[] counts() {
    return counts.clone();
  }

  /**
   * @return a copy
   */
  @Override
  public double[] sums() {
    return sums.clone();
  }

  /**
   * @return a copy
   */
  @Override
  public double[] sumSquares() {
    return sumSquares.clone();
  }

  /**
   * @return a copy
   */
  @Override
  public double[][] matrices() {
    return deep(matrices);
  }

  /**
   * @return a copy
   */
  @Override
  public double[][] vectors() {
    return deep(vectors);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BanditState s
        && s.kind.equals(kind)
        && s.param == param
        && s.arms == arms
        && s.dim == dim
        && Arrays.equals(s.counts, counts)
        && Arrays.equals(s.sums, sums)
        && Arrays.equals(s.sumSquares, sumSquares)
        && Arrays.deepEquals(s.matrices, matrices)
        && Arrays.deepEquals(s.vectors, vectors)
        && s.seed == seed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, arms, dim) * 31 + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "BanditState["
        + kind
        + ", arms="
        + arms
        + ", plays="
        + Arrays.stream(counts).sum()
        + "]";
  }
}
