package io.himoe.quantum.gate;

/** How a gate turns its distribution over branches into one branch. */
public sealed interface Selection {

  /**
   * The most probable branch, read from the exact probabilities: what a simulator can do and a
   * device can only approach with many shots (the infinite-shot limit).
   */
  record Expectation() implements Selection {}

  /**
   * Measure the register {@code shots} times and take the branch seen most often (ties go to the
   * lower branch); shots landing on a basis state that is no branch are discarded.
   *
   * @param shots measurements per decision, at least 1
   */
  record Measurement(int shots) implements Selection {
    /** Validates. */
    public Measurement {
      if (shots < 1) {
        throw new IllegalArgumentException("shots: " + shots + ", need at least 1");
      }
    }
  }

  /**
   * @return selection from the exact probabilities
   */
  static Selection expectation() {
    return new Expectation();
  }

  /**
   * @param shots measurements per decision
   * @return selection by majority over sampled shots
   */
  static Selection shots(int shots) {
    return new Measurement(shots);
  }

  /**
   * @return shots per decision, 0 for {@link Expectation}
   */
  default int shotCount() {
    return switch (this) {
      case Expectation e -> 0;
      case Measurement m -> m.shots();
    };
  }
}
