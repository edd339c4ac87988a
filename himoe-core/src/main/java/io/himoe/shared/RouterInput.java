package io.himoe.shared;

import java.util.Objects;

/**
 * What a router gates on: the raw input (symbolic routers) or its encoding (neural routers). Both
 * keep the original input, which is what experts receive.
 */
public sealed interface RouterInput {

  /**
   * @return the original input, passed on to the experts
   */
  InputData source();

  /**
   * An encoded input.
   *
   * @param encoded the vector
   * @param source the original input
   */
  record Encoded(io.himoe.shared.Encoded encoded, InputData source) implements RouterInput {
    /** Validates. */
    public Encoded {
      Objects.requireNonNull(encoded, "encoded");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * A raw input.
   *
   * @param source the input
   */
  record Raw(InputData source) implements RouterInput {
    /** Validates. */
    public Raw {
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * @param input the input
   * @return it as raw router input
   */
  static RouterInput raw(InputData input) {
    return new Raw(input);
  }

  /**
   * @param input the input
   * @param encoder the encoder
   * @return the encoded router input
   */
  static RouterInput encode(InputData input, Encoder encoder) {
    return new Encoded(encoder.encode(input), input);
  }
}
