package io.himoe.quantum.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Split MNIST as a route-learning protocol on a small feature subset: task t holds the digits
 * {@code 2t} and {@code 2t+1}, all routed to branch t (the gate must tell which pair a digit
 * belongs to, the task-identification problem of class-incremental split MNIST). Each 28×28 image
 * is average-pooled over 7×7 blocks into 16 features in [0, 1]: an angle encoding reads a few
 * numbers, and without QRAM a circuit cannot load 784 pixels cheaply.
 *
 * <p>Reads the IDX files of MNIST (as fetched by {@code himoe-branches/fetch-mnist.sh}), gzipped or
 * not.
 */
public final class SplitMnistRoutes {

  /** Features per image: 4×4 pooled blocks. */
  public static final int FEATURES = 16;

  private SplitMnistRoutes() {}

  /**
   * @param dir the directory holding the four IDX files
   * @param trainPerTask training examples per task (the first ones of the training split)
   * @param testPerTask test examples per task (the first ones of the test split)
   * @return the 5 tasks, in order
   * @throws IOException if a file is missing (the message names {@code fetch-mnist.sh}) or not IDX
   */
  public static List<RouteTask> load(Path dir, int trainPerTask, int testPerTask)
      throws IOException {
    Split train = read(dir, "train");
    Split test = read(dir, "t10k");
    List<RouteTask> tasks = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      float[][] trX = pick(train, t, trainPerTask);
      float[][] teX = pick(test, t, testPerTask);
      tasks.add(
          new RouteTask(
              "digits " + (2 * t) + "/" + (2 * t + 1),
              trX,
              filled(trX.length, t),
              teX,
              filled(teX.length, t)));
    }
    return tasks;
  }

  private record Split(float[][] x, int[] y) {}

  private static float[][] pick(Split s, int task, int limit) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < s.y().length && out.size() < limit; i++) {
      if (s.y()[i] / 2 == task) {
        out.add(s.x()[i]);
      }
    }
    return out.toArray(new float[0][]);
  }

  private static int[] filled(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static Split read(Path dir, String prefix) throws IOException {
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    try (DataInputStream im = open(images);
        DataInputStream lb = open(labels)) {
      if (im.readInt() != 0x00000803) {
        throw new IOException(images + ": not an IDX image file");
      }
      int n = im.readInt();
      int rows = im.readInt();
      int cols = im.readInt();
      if (lb.readInt() != 0x00000801 || lb.readInt() != n) {
        throw new IOException(labels + ": not the IDX label file of " + images);
      }
      if (rows != 28 || cols != 28) {
        throw new IOException(images + ": images are " + rows + "x" + cols + ", expected 28x28");
      }
      float[][] x = new float[n][];
      int[] y = new int[n];
      byte[] buf = new byte[rows * cols];
      for (int i = 0; i < n; i++) {
        im.readFully(buf);
        x[i] = pool(buf);
        y[i] = lb.readUnsignedByte();
      }
      return new Split(x, y);
    }
  }

  /**
   * @param pixels a 28×28 image, row-major, unsigned bytes
   * @return 16 features: the mean intensity (0..1) of each 7×7 block, row-major
   */
  static float[] pool(byte[] pixels) {
    float[] f = new float[FEATURES];
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        f[(r / 7) * 4 + c / 7] += (pixels[r * 28 + c] & 0xff) / 255f;
      }
    }
    for (int i = 0; i < FEATURES; i++) {
      f[i] /= 49f;
    }
    return f;
  }

  private static Path find(Path dir, String name) throws IOException {
    for (Path p : new Path[] {dir.resolve(name), dir.resolve(name + ".gz")}) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IOException(
        "MNIST file "
            + name
            + " not found in "
            + dir
            + " (fetch it with himoe-branches/fetch-mnist.sh)");
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
    return new DataInputStream(p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in);
  }
}
