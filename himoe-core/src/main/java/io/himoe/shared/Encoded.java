package io.himoe.shared;

import java.util.Arrays;

/**
 * A dense vector produced by an {@link Encoder}. Values are finite; the array is copied on the way
 * in, and {@link #get(int)} reads without copying on hot paths.
 *
 * @param vector the values
 */
public record Encoded(float[] vector) {
  /** Validates and copies. */
  public Encoded {
    if (vector == null || vector.length == 0) {
      throw new MoeError.EncodeError("encoded vector is empty", null);
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new MoeError.EncodeError("encoded[" + i + "] is not finite: " + vector[i], null);
      }
    }
    vector = vector.clone();
  }

  /**
   * @return a copy of the vector (the record stays immutable)
   */
  @Override
  public float[] vector() {
    return vector.clone();
  }

  /**
   * @return the dimension
   */
  public int dimension() {
    return vector.length;
  }

  /**
   * @param i index
   * @return the i-th component
   */
  public float get(int i) {
    return vector[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoded e && Arrays.equals(vector, e.vector);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "Encoded[dim=" + vector.length + "]";
  }
}
