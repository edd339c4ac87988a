package io.himoe.branches.data;

import java.util.Random;

/**
 * Small generated classification data for tests and smoke runs: Gaussian blobs, one centre per
 * class, and "permuted" variants (the same classes seen through a fixed feature permutation, the
 * way permuted MNIST builds its tasks).
 */
public final class SyntheticTasks {

  private SyntheticTasks() {}

  /**
   * Gaussian blobs: class c is centred on a random point of norm ~{@code separation}, with unit
   * noise per feature.
   *
   * @param classes number of classes
   * @param perClass examples per class
   * @param width features
   * @param separation distance scale between centres
   * @param seed seed (centres and noise)
   * @return the data, classes interleaved
   */
  public static Dataset blobs(int classes, int perClass, int width, double separation, long seed) {
    Random r = new Random(seed);
    float[][] centres = new float[classes][width];
    for (int c = 0; c < classes; c++) {
      for (int j = 0; j < width; j++) {
        centres[c][j] = (float) (r.nextGaussian() * separation / Math.sqrt(width));
      }
    }
    float[][] x = new float[classes * perClass][];
    int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      int c = i % classes;
      float[] v = new float[width];
      for (int j = 0; j < width; j++) {
        v[j] = centres[c][j] + (float) (r.nextGaussian() * 0.5);
      }
      x[i] = v;
      y[i] = c;
    }
    return new Dataset(x, y);
  }

  /**
   * @param base the data
   * @param seed seed of the permutation (seed 0 = identity)
   * @return the same data with its features permuted
   */
  public static Dataset permuted(Dataset base, long seed) {
    int w = base.width();
    int[] perm = new int[w];
    for (int j = 0; j < w; j++) {
      perm[j] = j;
    }
    if (seed != 0) {
      Random r = new Random(seed);
      for (int j = w - 1; j > 0; j--) {
        int k = r.nextInt(j + 1);
        int t = perm[j];
        perm[j] = perm[k];
        perm[k] = t;
      }
    }
    float[][] x = new float[base.size()][w];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < w; j++) {
        x[i][j] = base.x()[i][perm[j]];
      }
    }
    return new Dataset(x, base.y().clone());
  }
}
