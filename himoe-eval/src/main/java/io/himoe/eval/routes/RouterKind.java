package io.himoe.eval.routes;

import java.util.Arrays;
import java.util.Locale;

/** The kinds of router {@code eval routes} can fit and measure. */
public enum RouterKind {
  /**
   * The neural gate of {@code himoe-learning} ({@code RouteFitter}): linear or one hidden layer.
   */
  GATE,
  /**
   * Nearest centroid by cosine similarity, the way semantic-router matches routes defined by
   * example utterances: a baseline with no training beyond averaging.
   */
  CENTROID;

  /**
   * @param name {@code gate} or {@code centroid}, any case
   * @return the kind
   * @throws IllegalArgumentException naming the allowed values
   */
  public static RouterKind parse(String name) {
    for (RouterKind k : values()) {
      if (k.name().equalsIgnoreCase(name.strip())) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "--router: unknown kind '"
            + name
            + "', expected one of "
            + Arrays.stream(values()).map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
  }
}
