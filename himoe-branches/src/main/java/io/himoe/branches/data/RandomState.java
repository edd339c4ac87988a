package io.himoe.branches.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;

/**
 * The exact state of a {@link Random} as bytes, so that a saved learner's shuffles and sampling
 * resume as if it had never been saved. Reading accepts a {@code java.util.Random} and nothing
 * else.
 */
public final class RandomState {

  private RandomState() {}

  /**
   * @param r a random source
   * @return its state
   * @throws IOException never in practice (in-memory stream)
   */
  public static byte[] save(Random r) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(b)) {
      o.writeObject(r);
    }
    return b.toByteArray();
  }

  /**
   * @param bytes what {@link #save} returned
   * @return a random source in that state
   * @throws IOException if the bytes are not a saved {@code java.util.Random}
   */
  public static Random load(byte[] bytes) throws IOException {
    try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      o.setObjectInputFilter(
          info ->
              info.serialClass() == null || info.serialClass() == Random.class
                  ? ObjectInputFilter.Status.ALLOWED
                  : ObjectInputFilter.Status.REJECTED);
      return (Random) o.readObject();
    } catch (ClassNotFoundException | ClassCastException | InvalidClassException e) {
      throw new IOException("bad random state: " + e.getMessage(), e);
    }
  }
}
