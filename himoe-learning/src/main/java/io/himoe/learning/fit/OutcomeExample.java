package io.himoe.learning.fit;

import java.util.Map;

/**
 * An observed outcome: a query and the quality each model reached on it.
 *
 * @param text the query, not blank
 * @param scores model name to quality in [0, 1]; models not present are unknown for this query
 */
public record OutcomeExample(String text, Map<String, Double> scores) {
  /** Validates and copies. */
  public OutcomeExample {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("outcome example: text is empty");
    }
    if (scores == null || scores.isEmpty()) {
      throw new IllegalArgumentException("outcome example '" + cut(text) + "': no scores");
    }
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      Double v = e.getValue();
      if (v == null || !(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(
            "outcome example '"
                + cut(text)
                + "': score of "
                + e.getKey()
                + " must be in [0, 1], got "
                + v);
      }
    }
    scores = Map.copyOf(scores);
  }

  private static String cut(String t) {
    return t.length() <= 40 ? t : t.substring(0, 40) + "…";
  }
}
