package io.himoe.branches.model;

import io.himoe.branches.model.internal.Affine;
import io.himoe.branches.model.internal.TruncatedSvd;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Merges one branch into another by truncated SVD, without training (see {@link
 * BranchedNetwork#mergeSvd}).
 */
final class SvdMerger {

  private SvdMerger() {}

  /**
   * @return the largest relative truncation error over layers
   */
  static double merge(BranchBank bank, int keep, int other) {
    @Nullable Affine[] k = bank.live(keep);
    @Nullable Affine[] o = bank.live(other);
    if (keep == other) {
      throw new IllegalArgumentException("cannot merge branch " + keep + " into itself");
    }
    int rank = bank.config.rank();
    double worst = 0;
    for (int l = 0; l < k.length; l++) {
      Affine kl = k[l];
      if (kl == null) {
        continue;
      }
      // Every branch is made with the same granularity: a layer branched in one is in the other.
      Affine ol = Objects.requireNonNull(o[l], "layer branched in one branch only");
      float[][] kv = kl.values();
      float[][] ov = ol.values();
      long[][] shapes = kl.shapes();
      float[][] merged = new float[kv.length][];
      TruncatedSvd.Factors f;
      if (kl.lowRank()) {
        f = meanOfDeltas(kv, ov, shapes);
        merged[0] = flat(f.a());
        merged[1] = flat(f.b());
        merged[2] = average(kv[2], ov[2]);
      } else {
        int in = (int) shapes[0][0];
        int out = (int) shapes[0][1];
        f = halfWayCorrection(kv[0], ov[0], in, out, rank);
        merged[0] = moved(kv[0], f, in, out);
        merged[1] = average(kv[1], ov[1]);
      }
      kl.set(merged);
      worst = Math.max(worst, droppedShare(f, f.a()[0].length));
    }
    return worst;
  }

  /** The best rank-r factors of {@code (A1·B1 + A2·B2)/2}, from the stacked factors. */
  private static TruncatedSvd.Factors meanOfDeltas(float[][] kv, float[][] ov, long[][] shapes) {
    int in = (int) shapes[0][0];
    int r = (int) shapes[0][1];
    int out = (int) shapes[1][1];
    double[][] left = new double[in][2 * r];
    double[][] right = new double[2 * r][out];
    for (int i = 0; i < in; i++) {
      for (int j = 0; j < r; j++) {
        left[i][j] = kv[0][i * r + j] / 2.0;
        left[i][r + j] = ov[0][i * r + j] / 2.0;
      }
    }
    for (int j = 0; j < r; j++) {
      for (int c = 0; c < out; c++) {
        right[j][c] = kv[1][j * out + c];
        right[r + j][c] = ov[1][j * out + c];
      }
    }
    return TruncatedSvd.ofProduct(left, right, r);
  }

  /** The rank-limited SVD of {@code (W2 - W1)/2}. */
  private static TruncatedSvd.Factors halfWayCorrection(
      float[] w1, float[] w2, int in, int out, int rank) {
    double[][] half = new double[in][out];
    for (int i = 0; i < in; i++) {
      for (int c = 0; c < out; c++) {
        half[i][c] = (w2[i * out + c] - w1[i * out + c]) / 2.0;
      }
    }
    return TruncatedSvd.of(half, Math.min(rank, Math.min(in, out)));
  }

  /** {@code W1 + A·B}. */
  private static float[] moved(float[] w1, TruncatedSvd.Factors f, int in, int out) {
    float[] w = w1.clone();
    double[][] a = f.a();
    double[][] b = f.b();
    for (int i = 0; i < in; i++) {
      for (int t = 0; t < b.length; t++) {
        double ait = a[i][t];
        if (ait != 0) {
          for (int c = 0; c < out; c++) {
            w[i * out + c] += (float) (ait * b[t][c]);
          }
        }
      }
    }
    return w;
  }

  private static double droppedShare(TruncatedSvd.Factors f, int kept) {
    double all = 0;
    double dropped = 0;
    for (int j = 0; j < f.singular().length; j++) {
      double s2 = f.singular()[j] * f.singular()[j];
      all += s2;
      if (j >= kept) {
        dropped += s2;
      }
    }
    return all == 0 ? 0 : Math.sqrt(dropped / all);
  }

  private static float[] flat(double[][] m) {
    int cols = m[0].length;
    float[] out = new float[m.length * cols];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < cols; j++) {
        out[i * cols + j] = (float) m[i][j];
      }
    }
    return out;
  }

  private static float[] average(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (a[i] + b[i]) / 2f;
    }
    return out;
  }
}
