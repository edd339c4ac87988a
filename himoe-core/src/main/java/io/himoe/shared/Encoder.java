package io.himoe.shared;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns an input into a dense vector for routers that gate on encoded input. One method to
 * implement; batching is a default that implementations may override for throughput.
 */
@FunctionalInterface
public interface Encoder {

  /**
   * @param input the input
   * @return its vector
   * @throws MoeError.EncodeError if the input cannot be encoded
   */
  Encoded encode(InputData input);

  /**
   * Encodes several inputs; the default encodes them one by one.
   *
   * @param inputs the inputs
   * @return their vectors, in order
   */
  default List<Encoded> encodeAll(List<? extends InputData> inputs) {
    List<Encoded> out = new ArrayList<>(inputs.size());
    for (InputData x : inputs) {
      out.add(encode(x));
    }
    return out;
  }

  /**
   * @return a stable id for traces and snapshots
   */
  default String id() {
    return getClass().getSimpleName();
  }
}
