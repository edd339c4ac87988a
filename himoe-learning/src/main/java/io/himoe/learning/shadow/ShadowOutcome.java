package io.himoe.learning.shadow;

/** Which of a primary router and a shadow did better on one request, as the feedback tells. */
public enum ShadowOutcome {
  /** The shadow's decision scores higher. */
  SHADOW_BETTER("shadow"),
  /** The primary's decision scores higher. */
  PRIMARY_BETTER("primary"),
  /** Neither (same experts, or scores within the margin). */
  TIE("tie");

  private final String label;

  ShadowOutcome(String label) {
    this.label = label;
  }

  /**
   * @return the lower-case word used in JSON and metric tags
   */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
