package io.himoe.engine;

import io.himoe.shared.Encoded;
import org.jspecify.annotations.Nullable;

/**
 * An encoder's vector kept for later feedback in as few bytes as it allows, without loss: sparse
 * (index and value of each non-zero) when under half its entries are non-zero, as with a hashing
 * encoder's 4096 dimensions for a short query (a few hundred non-zeros: about 2 KB instead of 16
 * KB), else dense.
 */
final class PackedVector {

  private final int dimension;
  // Sparse: the non-zero indices, ascending; null when dense.
  private final int @Nullable [] indices;
  // Sparse: the non-zero values; dense: every value.
  private final float[] values;

  private PackedVector(int dimension, int @Nullable [] indices, float[] values) {
    this.dimension = dimension;
    this.indices = indices;
    this.values = values;
  }

  static PackedVector of(Encoded e) {
    int dim = e.dimension();
    int nonZero = 0;
    for (int i = 0; i < dim; i++) {
      if (e.get(i) != 0f) {
        nonZero++;
      }
    }
    // A sparse entry takes 8 bytes, a dense one 4.
    if (2L * nonZero >= dim) {
      return new PackedVector(dim, null, e.vector());
    }
    int[] idx = new int[nonZero];
    float[] val = new float[nonZero];
    int j = 0;
    for (int i = 0; i < dim; i++) {
      float v = e.get(i);
      if (v != 0f) {
        idx[j] = i;
        val[j++] = v;
      }
    }
    return new PackedVector(dim, idx, val);
  }

  Encoded unpack() {
    if (indices == null) {
      return new Encoded(values);
    }
    float[] dense = new float[dimension];
    for (int j = 0; j < indices.length; j++) {
      dense[indices[j]] = values[j];
    }
    return new Encoded(dense);
  }

  /**
   * @return the bytes this vector holds on the heap (arrays and headers, estimated)
   */
  long bytes() {
    long arrays = 16 + 4L * values.length + (indices == null ? 0 : 16 + 4L * indices.length);
    return 24 + arrays;
  }
}
