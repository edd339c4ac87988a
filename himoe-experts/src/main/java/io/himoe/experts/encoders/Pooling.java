package io.himoe.experts.encoders;

import java.util.Locale;

/** How a sentence encoder turns a transformer's token outputs into one vector. */
public enum Pooling {
  /** The mean of the token vectors under the attention mask (MiniLM, e5). */
  MEAN,
  /** The first token's vector, {@code [CLS]} (bge). */
  CLS;

  /**
   * @param name {@code mean} or {@code cls}, any case
   * @return the pooling
   * @throws IllegalArgumentException naming the allowed values otherwise
   */
  public static Pooling parse(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return switch (key) {
      case "mean" -> MEAN;
      case "cls" -> CLS;
      default ->
          throw new IllegalArgumentException(
              "encoder pooling: unknown value '" + name + "', expected mean or cls");
    };
  }

  /**
   * @return the lower-case name {@link #parse} reads
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
