package io.himoe.branches.model.internal;

/**
 * Best rank-r approximation (Eckart-Young) of a matrix given as a product {@code L·R}, returned as
 * factors {@code A·B}. The product is never formed when its inner size is small: {@code L = Q1·R1}
 * and {@code Rᵀ = Q2·R2} (Gram-Schmidt), so {@code L·R = Q1·(R1·R2ᵀ)·Q2ᵀ} and only the small core
 * {@code R1·R2ᵀ} needs a singular value decomposition (one-sided Jacobi). Doubles throughout.
 */
public final class TruncatedSvd {

  private static final double TINY = 1e-12;

  private TruncatedSvd() {}

  /**
   * Factors of a truncated SVD.
   *
   * @param a {@code [m][rank]}: left singular vectors scaled by the root of their singular value
   * @param b {@code [rank][n]}: right singular vectors scaled likewise
   * @param singular the singular values of the product, largest first (all of them, not only the
   *     kept ones)
   */
  public record Factors(double[][] a, double[][] b, double[] singular) {}

  /**
   * @param l {@code [m][k]}
   * @param r {@code [k][n]}
   * @param rank the rank kept (padded with zero factors when the product has a lower rank)
   * @return {@code A [m][rank]}, {@code B [rank][n]} with {@code A·B} the best rank-{@code rank}
   *     approximation of {@code L·R}
   */
  public static Factors ofProduct(double[][] l, double[][] r, int rank) {
    int m = l.length;
    int k = r.length;
    int n = r[0].length;
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be >= 1, got " + rank);
    }
    if (l[0].length != k) {
      throw new IllegalArgumentException(
          "L has " + l[0].length + " columns but R has " + k + " rows");
    }
    double[][] lCols = columns(l);
    double[][] r1 = new double[k][k];
    gramSchmidt(lCols, r1); // lCols now holds Q1's columns
    double[][] rtCols = new double[k][];
    for (int i = 0; i < k; i++) {
      rtCols[i] = r[i].clone(); // column i of Rᵀ is row i of R
    }
    double[][] r2 = new double[k][k];
    gramSchmidt(rtCols, r2); // Q2's columns
    // core C = R1·R2ᵀ (k x k), stored by columns for the Jacobi sweeps
    double[][] c = new double[k][k];
    for (int col = 0; col < k; col++) {
      for (int row = 0; row < k; row++) {
        double s = 0;
        for (int t = 0; t < k; t++) {
          s += r1[row][t] * r2[col][t];
        }
        c[col][row] = s;
      }
    }
    double[][] v = identity(k);
    jacobi(c, v);
    Integer[] order = new Integer[k];
    double[] sigma = new double[k];
    for (int j = 0; j < k; j++) {
      order[j] = j;
      sigma[j] = norm(c[j]);
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(sigma[y], sigma[x]));
    double[] sorted = new double[k];
    for (int j = 0; j < k; j++) {
      sorted[j] = sigma[order[j]];
    }
    double[][] a = new double[m][rank];
    double[][] b = new double[rank][n];
    for (int j = 0; j < Math.min(rank, k); j++) {
      int idx = order[j];
      double s = sigma[idx];
      if (s <= TINY) {
        continue;
      }
      double root = Math.sqrt(s);
      // left vector u = C_col/σ in core coordinates, mapped by Q1; right vector v mapped by Q2
      for (int row = 0; row < m; row++) {
        double acc = 0;
        for (int t = 0; t < k; t++) {
          acc += lCols[t][row] * c[idx][t];
        }
        a[row][j] = acc / s * root;
      }
      for (int col = 0; col < n; col++) {
        double acc = 0;
        for (int t = 0; t < k; t++) {
          acc += rtCols[t][col] * v[idx][t];
        }
        b[j][col] = acc * root;
      }
    }
    return new Factors(a, b, sorted);
  }

  /**
   * @param d {@code [m][n]}
   * @param rank the rank kept
   * @return factors of the best rank-{@code rank} approximation of {@code d}
   */
  public static Factors of(double[][] d, int rank) {
    return ofProduct(d, identity(d[0].length), rank);
  }

  /** Modified Gram-Schmidt in place: cols become orthonormal (or zero when dependent), r upper. */
  private static void gramSchmidt(double[][] cols, double[][] r) {
    int k = cols.length;
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < j; i++) {
        double dot = dot(cols[i], cols[j]);
        r[i][j] = dot;
        axpy(-dot, cols[i], cols[j]);
      }
      double nrm = norm(cols[j]);
      if (nrm <= TINY) {
        // a dependent column: its direction is already spanned; a zero column keeps Q·R = L
        java.util.Arrays.fill(cols[j], 0);
        r[j][j] = 0;
      } else {
        r[j][j] = nrm;
        for (int t = 0; t < cols[j].length; t++) {
          cols[j][t] /= nrm;
        }
      }
    }
  }

  /**
   * One-sided Jacobi (Hestenes): rotates pairs of columns of {@code c} until they are orthogonal,
   * accumulating the rotations in {@code v}. Then column j of c is {@code σ_j·u_j}.
   */
  private static void jacobi(double[][] c, double[][] v) {
    int k = c.length;
    for (int sweep = 0; sweep < 60; sweep++) {
      boolean rotated = false;
      for (int p = 0; p < k - 1; p++) {
        for (int q = p + 1; q < k; q++) {
          double alpha = dot(c[p], c[p]);
          double beta = dot(c[q], c[q]);
          double gamma = dot(c[p], c[q]);
          if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || Math.abs(gamma) < 1e-300) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0) {
            t = 1;
          }
          double cs = 1 / Math.sqrt(1 + t * t);
          double sn = cs * t;
          rotate(c[p], c[q], cs, sn);
          rotate(v[p], v[q], cs, sn);
        }
      }
      if (!rotated) {
        return;
      }
    }
  }

  private static void rotate(double[] x, double[] y, double cs, double sn) {
    for (int i = 0; i < x.length; i++) {
      double a = x[i];
      double b = y[i];
      x[i] = cs * a - sn * b;
      y[i] = sn * a + cs * b;
    }
  }

  private static double[][] columns(double[][] m) {
    double[][] cols = new double[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        cols[j][i] = m[i][j];
      }
    }
    return cols;
  }

  private static double[][] identity(int n) {
    double[][] id = new double[n][n];
    for (int i = 0; i < n; i++) {
      id[i][i] = 1;
    }
    return id;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static void axpy(double s, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += s * x[i];
    }
  }
}
