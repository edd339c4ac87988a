package io.himoe.learning.bench;

import io.himoe.learning.HashingEncoder;
import io.himoe.shared.Encoder;

/**
 * Encoders for the benchmarks: {@code hash:DIM} (the test hashing encoder) or {@code minilm}
 * (himoe-experts' {@code Encoders.byName("minilm")}, looked up by name so that this module does not
 * depend on himoe-experts; put its jar and dependencies on the class path to use it).
 */
final class BenchEncoders {

  private BenchEncoders() {}

  static Encoder parse(String spec) {
    if (spec.startsWith("hash:")) {
      return new HashingEncoder(Integer.parseInt(spec.substring(5)));
    }
    if (spec.equals("minilm")) {
      try {
        return (Encoder)
            Class.forName("io.himoe.experts.encoders.Encoders")
                .getMethod("byName", String.class)
                .invoke(null, "minilm");
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException(
            "encoder minilm: himoe-experts is not on the class path (" + e + ")", e);
      }
    }
    throw new IllegalArgumentException("encoder must be hash:DIM or minilm, got '" + spec + "'");
  }
}
