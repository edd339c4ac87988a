package io.himoe.branches.data;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A simple text encoder for benchmarks: lower-cased word unigrams and bigrams plus character
 * trigrams, hashed (FNV-1a, signed) into a fixed number of buckets, then L2-normalised. No model,
 * no download; the same text always gives the same vector.
 */
public final class HashingFeatures {

  private final int dim;

  /**
   * @param dim number of buckets, at least 1
   */
  public HashingFeatures(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.dim = dim;
  }

  /**
   * @param text the text
   * @return its vector of {@code dim} floats
   */
  public float[] encode(String text) {
    float[] v = new float[dim];
    String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+");
    String prev = null;
    for (String w : words) {
      if (w.isEmpty()) {
        continue;
      }
      add(v, "w:" + w, 1f);
      if (prev != null) {
        add(v, "b:" + prev + " " + w, 1f);
      }
      String padded = "<" + w + ">";
      for (int i = 0; i + 3 <= padded.length(); i++) {
        add(v, "c:" + padded.substring(i, i + 3), 0.5f);
      }
      prev = w;
    }
    double n = 0;
    for (float f : v) {
      n += f * f;
    }
    if (n > 0) {
      float s = (float) (1 / Math.sqrt(n));
      for (int i = 0; i < v.length; i++) {
        v[i] *= s;
      }
    }
    return v;
  }

  private void add(float[] v, String token, float w) {
    long h = 0xcbf29ce484222325L;
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    int bucket = (int) Long.remainderUnsigned(h, dim);
    v[bucket] += ((h >>> 63) == 0 ? 1 : -1) * w;
  }
}
