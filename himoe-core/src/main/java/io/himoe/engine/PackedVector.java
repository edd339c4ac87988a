package io.himoe.engine;

import io.himoe.shared.Encoded;

/**
 * An encoder's vector kept for later feedback in as few bytes as it allows, without loss: the
 * vector itself when it is already compact (a hashing encoder's sparse vector: a few dozen
 * non-zeros of 4096, a few hundred bytes), else its compact form ({@link Encoded#compact()}: sparse
 * when under half its values are non-zero, else dense). {@link Encoded} is immutable, so a compact
 * vector is shared with the request that made it, not copied.
 */
final class PackedVector {

  private final Encoded vector;

  private PackedVector(Encoded vector) {
    this.vector = vector;
  }

  static PackedVector of(Encoded e) {
    return new PackedVector(e.compact());
  }

  Encoded unpack() {
    return vector;
  }

  /**
   * @return the bytes this vector holds on the heap (arrays and headers, estimated)
   */
  long bytes() {
    return 16 + vector.bytes();
  }
}
