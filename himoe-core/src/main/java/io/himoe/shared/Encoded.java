package io.himoe.shared;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A vector produced by an {@link Encoder}: immutable by construction, so one instance is shared by
 * the router, its gate and the decision kept for feedback without a copy. It is held dense (every
 * value) or sparse (the non-zero values and their indices, as a hashing encoder's short text has a
 * few dozen non-zeros of 4,096); both forms are the same vector to every reader ({@link #get},
 * {@link #vector}, {@link #equals}). Hot paths read the stored entries ({@link #entries}, {@link
 * #indexAt}, {@link #valueAt}), which skip a sparse vector's zeros, instead of {@link #vector()},
 * which makes a dense copy. Values are finite.
 */
public final class Encoded {

  private final int dimension;
  // Sparse: the non-zero indices, strictly ascending; null when dense.
  private final int @Nullable [] indices;
  // Sparse: the non-zero values; dense: every value.
  private final float[] values;

  /**
   * A dense vector; the array is copied (later changes to it are not seen).
   *
   * @param vector the values, finite, at least one
   * @throws MoeError.EncodeError if the vector is empty or a value is not finite
   */
  public Encoded(float[] vector) {
    if (vector == null || vector.length == 0) {
      throw new MoeError.EncodeError("encoded vector is empty", null);
    }
    checkFinite(vector);
    this.dimension = vector.length;
    this.indices = null;
    this.values = vector.clone();
  }

  private Encoded(int dimension, int @Nullable [] indices, float[] values) {
    this.dimension = dimension;
    this.indices = indices;
    this.values = values;
  }

  /**
   * A sparse vector: the given values at the given indices, zero elsewhere. The arrays are copied;
   * zero values are dropped.
   *
   * @param dimension the vector's dimension, &gt;= 1
   * @param indices the indices, strictly ascending, each in [0, dimension)
   * @param values the value at each index, finite
   * @return the vector
   * @throws MoeError.EncodeError if the dimension, an index or a value is invalid
   */
  public static Encoded sparse(int dimension, int[] indices, float[] values) {
    if (dimension < 1) {
      throw new MoeError.EncodeError("encoded vector is empty", null);
    }
    if (indices.length != values.length) {
      throw new MoeError.EncodeError(
          "sparse vector: " + indices.length + " indices for " + values.length + " values", null);
    }
    checkFinite(values);
    int nonZero = 0;
    for (int k = 0; k < indices.length; k++) {
      if (indices[k] < 0 || indices[k] >= dimension || (k > 0 && indices[k] <= indices[k - 1])) {
        throw new MoeError.EncodeError(
            "sparse vector: index "
                + indices[k]
                + " at "
                + k
                + " is out of [0, "
                + dimension
                + ") or not ascending",
            null);
      }
      if (values[k] != 0f) {
        nonZero++;
      }
    }
    int[] idx = new int[nonZero];
    float[] val = new float[nonZero];
    int j = 0;
    for (int k = 0; k < indices.length; k++) {
      if (values[k] != 0f) {
        idx[j] = indices[k];
        val[j++] = values[k];
      }
    }
    return new Encoded(dimension, idx, val);
  }

  private static void checkFinite(float[] v) {
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new MoeError.EncodeError("encoded[" + i + "] is not finite: " + v[i], null);
      }
    }
  }

  /**
   * @return a fresh dense copy of the vector ({@link #dimension()} floats): avoid it on hot paths,
   *     where {@link #get} or the stored entries read without copying
   */
  public float[] vector() {
    if (indices == null) {
      return values.clone();
    }
    float[] dense = new float[dimension];
    for (int k = 0; k < indices.length; k++) {
      dense[indices[k]] = values[k];
    }
    return dense;
  }

  /**
   * @return the dimension
   */
  public int dimension() {
    return dimension;
  }

  /**
   * @param i index, in [0, {@link #dimension()})
   * @return the i-th component (a binary search when sparse)
   * @throws IndexOutOfBoundsException if the index is out of range
   */
  public float get(int i) {
    if (indices == null) {
      return values[i];
    }
    java.util.Objects.checkIndex(i, dimension);
    int k = Arrays.binarySearch(indices, i);
    return k >= 0 ? values[k] : 0f;
  }

  /**
   * @return whether only the non-zero values are stored
   */
  public boolean isSparse() {
    return indices != null;
  }

  /**
   * @return how many entries are stored: the non-zeros of a sparse vector, every value of a dense
   *     one; read them with {@link #indexAt} and {@link #valueAt}, {@code k} from 0 up
   */
  public int entries() {
    return values.length;
  }

  /**
   * @param k a stored entry, in [0, {@link #entries()})
   * @return its index in the vector (ascending with {@code k}; {@code k} itself when dense)
   */
  public int indexAt(int k) {
    return indices == null ? java.util.Objects.checkIndex(k, values.length) : indices[k];
  }

  /**
   * @param k a stored entry, in [0, {@link #entries()})
   * @return its value
   */
  public float valueAt(int k) {
    return values[k];
  }

  /**
   * @return this vector in the form that takes fewer bytes: sparse when under half its values are
   *     non-zero, else dense (this instance when it is already in that form)
   */
  public Encoded compact() {
    if (indices != null) {
      return 2L * indices.length >= dimension ? new Encoded(vector()) : this;
    }
    int nonZero = 0;
    for (float v : values) {
      if (v != 0f) {
        nonZero++;
      }
    }
    if (2L * nonZero >= dimension) {
      return this;
    }
    int[] idx = new int[nonZero];
    float[] val = new float[nonZero];
    int j = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] != 0f) {
        idx[j] = i;
        val[j++] = values[i];
      }
    }
    return new Encoded(dimension, idx, val);
  }

  /**
   * @return the bytes this vector holds on the heap (arrays and headers, estimated)
   */
  public long bytes() {
    long arrays = 16 + 4L * values.length + (indices == null ? 0 : 16 + 4L * indices.length);
    return 24 + arrays;
  }

  /**
   * Equal when the vectors are: same dimension and the same value at every index (zero and negative
   * zero alike, as a sparse vector stores neither).
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Encoded e) || e.dimension != dimension) {
      return false;
    }
    if (indices != null && e.indices != null) {
      return Arrays.equals(indices, e.indices) && Arrays.equals(values, e.values);
    }
    for (int i = 0; i < dimension; i++) {
      if (get(i) != e.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Over the non-zero values and their indices, so both forms of one vector hash alike. */
  @Override
  public int hashCode() {
    int h = dimension;
    for (int k = 0; k < values.length; k++) {
      if (values[k] != 0f) {
        h = 31 * h + 31 * indexAt(k) + Float.floatToIntBits(values[k]);
      }
    }
    return h;
  }

  @Override
  public String toString() {
    return "Encoded[dim="
        + dimension
        + (indices == null ? "" : ", non-zero=" + indices.length)
        + "]";
  }
}
