package io.himoe.shared;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The single input type every expert receives: text, raw bytes or a feature vector. Constructors
 * validate: text must be non-blank, features must be finite; a violation is a {@link
 * MoeError.InvalidInput} naming the problem.
 */
public sealed interface InputData {

  /**
   * Text input.
   *
   * @param text the text, not blank
   */
  record Text(String text) implements InputData {
    /** Validates the text. */
    public Text {
      if (text == null) {
        throw new MoeError.InvalidInput("text is null");
      }
      if (text.isBlank()) {
        throw new MoeError.InvalidInput("text is empty");
      }
    }
  }

  /**
   * Binary input (image, audio, ...). The array is copied on the way in and out.
   *
   * @param bytes the content, not empty
   */
  record Bytes(byte[] bytes) implements InputData {
    /** Validates and copies the bytes. */
    public Bytes {
      if (bytes == null || bytes.length == 0) {
        throw new MoeError.InvalidInput("bytes are empty");
      }
      bytes = bytes.clone();
    }

    /**
     * @return a copy of the bytes (the record stays immutable)
     */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Bytes[" + bytes.length + " bytes]";
    }
  }

  /**
   * A feature vector. Every value must be finite.
   *
   * @param values the features, not empty
   */
  record Features(float[] values) implements InputData {
    /** Validates and copies the features. */
    public Features {
      if (values == null || values.length == 0) {
        throw new MoeError.InvalidInput("features are empty");
      }
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new MoeError.InvalidInput("feature[" + i + "] is " + values[i] + ", not finite");
        }
      }
      values = values.clone();
    }

    /**
     * @return a copy of the features (the record stays immutable)
     */
    @Override
    public float[] values() {
      return values.clone();
    }

    /**
     * @return the number of features
     */
    public int dimension() {
      return values.length;
    }

    /**
     * @param i index
     * @return the i-th feature, without copying the vector
     */
    public float get(int i) {
      return values[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Features f && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Features[dim=" + values.length + "]";
    }
  }

  /**
   * @param text the text
   * @return a text input
   * @throws MoeError.InvalidInput if the text is null or blank
   */
  static InputData text(String text) {
    return new Text(text);
  }

  /**
   * @param values the features
   * @return a feature input
   * @throws MoeError.InvalidInput if a value is not finite or the vector is empty
   */
  static InputData features(float... values) {
    return new Features(values);
  }

  /**
   * @param bytes the content
   * @return a binary input
   */
  static InputData bytes(byte[] bytes) {
    return new Bytes(bytes);
  }

  /**
   * @return the text when this is a {@link Text}, else empty
   */
  default Optional<String> asText() {
    return this instanceof Text(String t) ? Optional.of(t) : Optional.empty();
  }

  /**
   * A short human-readable form for traces and logs: the text (cut to 200 characters) or a
   * description of the binary or vector content.
   *
   * @return a description of this input
   */
  default String describe() {
    return switch (this) {
      case Text(String t) -> t.length() <= 200 ? t : t.substring(0, 200) + "…";
      case Bytes b -> b.toString();
      case Features f -> f.toString();
    };
  }

  /**
   * The text an expert can read: the text itself, the bytes decoded as UTF-8, or the features
   * printed. Useful for experts that only understand text.
   *
   * @return a textual rendering of this input
   */
  default String toText() {
    return switch (this) {
      case Text(String t) -> t;
      case Bytes b -> new String(b.bytes(), StandardCharsets.UTF_8);
      case Features f -> Arrays.toString(f.values());
    };
  }
}
