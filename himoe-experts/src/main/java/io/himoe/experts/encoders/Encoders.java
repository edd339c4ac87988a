package io.himoe.experts.encoders;

import io.himoe.shared.Encoder;
import java.util.List;
import java.util.Locale;

/** Looks up the built-in encoders by the names configuration files use. */
public final class Encoders {

  /** The names {@link #byName} accepts. */
  public static final List<String> NAMES = List.of("hashing", "minilm");

  private Encoders() {}

  /**
   * @param name {@code hashing} (a {@link HashingEncoder} of dimension {@value
   *     HashingEncoder#DEFAULT_DIMENSION}), {@code hashing-<dimension>} (e.g. {@code hashing-1024},
   *     the form {@link HashingEncoder#id()} prints) or {@code minilm} / {@code minilm-l6-v2-q} (a
   *     {@link MiniLmEncoder} with its default cache), or several of these joined by {@code +}
   *     (e.g. {@code minilm+hashing}, a {@link ConcatEncoder}); case and surrounding spaces are
   *     ignored, so {@code byName(encoder.id())} rebuilds a saved encoder
   * @return a new encoder
   * @throws IllegalArgumentException naming the allowed values if the name is unknown
   */
  public static Encoder byName(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    if (key.contains("+")) {
      List<Encoder> parts = new java.util.ArrayList<>();
      for (String part : key.split("\\+", -1)) {
        if (part.isBlank()) {
          throw new IllegalArgumentException(
              "encoder: empty part in '" + name + "', expected e.g. minilm+hashing");
        }
        parts.add(byName(part));
      }
      return ConcatEncoder.of(parts);
    }
    if (key.startsWith("hashing-")) {
      String dim = key.substring("hashing-".length());
      if (!dim.isEmpty() && dim.length() <= 7 && dim.chars().allMatch(Character::isDigit)) {
        return HashingEncoder.of(Integer.parseInt(dim));
      }
    }
    return switch (key) {
      case "hashing" -> HashingEncoder.ofDefaults();
      case "minilm", "minilm-l6-v2-q" -> MiniLmEncoder.ofDefaults();
      default ->
          throw new IllegalArgumentException(
              "encoder: unknown name '"
                  + name
                  + "', expected one of "
                  + NAMES
                  + ", hashing-<dimension> or several joined by '+'");
    };
  }
}
