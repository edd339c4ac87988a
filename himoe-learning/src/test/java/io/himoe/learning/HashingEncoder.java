package io.himoe.learning;

import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.Locale;

/**
 * A test-only bag-of-words encoder: lower-cased words and word bigrams hashed (FNV-1a) into a fixed
 * number of buckets, L2-normalised, plus a constant bias feature.
 */
public final class HashingEncoder implements Encoder {

  private final int dim;

  public HashingEncoder(int dim) {
    this.dim = dim;
  }

  @Override
  public Encoded encode(InputData input) {
    float[] v = new float[dim];
    String[] words = input.toText().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
    String prev = null;
    for (String w : words) {
      if (w.isEmpty()) {
        continue;
      }
      v[bucket(w)] += 1;
      if (prev != null) {
        v[bucket(prev + " " + w)] += 0.5f;
      }
      prev = w;
    }
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < dim; i++) {
        v[i] *= inv;
      }
    }
    v[dim - 1] = 1f;
    return new Encoded(v);
  }

  private int bucket(String s) {
    int h = 0x811c9dc5;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x01000193;
    }
    return Math.floorMod(h, dim - 1);
  }

  @Override
  public String id() {
    return "hashing-" + dim;
  }
}
