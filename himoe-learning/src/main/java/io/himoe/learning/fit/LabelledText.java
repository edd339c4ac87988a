package io.himoe.learning.fit;

/**
 * A training example for a route: an utterance and the route (expert, intent) it belongs to.
 *
 * @param text the utterance, not blank
 * @param label the route, not blank
 */
public record LabelledText(String text, String label) {
  /** Validates. */
  public LabelledText {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("labelled text: text is empty");
    }
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("labelled text '" + text + "': label is empty");
    }
  }
}
