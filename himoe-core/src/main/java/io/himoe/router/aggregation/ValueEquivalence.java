package io.himoe.router.aggregation;

import io.himoe.shared.Value;

/** Decides whether two experts' answers count as the same vote. */
@FunctionalInterface
public interface ValueEquivalence {

  /**
   * @param a one answer
   * @param b another
   * @return whether they agree
   */
  boolean same(Value a, Value b);

  /**
   * @return equality of the values
   */
  static ValueEquivalence exact() {
    return Object::equals;
  }

  /**
   * @return equality of the rendered text after trimming, lower-casing and collapsing whitespace
   *     and trailing punctuation; embeddings agree when their cosine is at least 0.95
   */
  static ValueEquivalence normalizedText() {
    return (a, b) -> {
      if (a.equals(b)) {
        return true;
      }
      if (a instanceof Value.Embedding x && b instanceof Value.Embedding y) {
        return Vectors.cosine(x.data(), y.data()) >= 0.95;
      }
      return Vectors.normalizeText(a.render()).equals(Vectors.normalizeText(b.render()));
    };
  }
}
