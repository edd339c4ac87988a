package io.himoe.engine;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A caller's feedback on a past answer.
 *
 * @param traceId the answer's trace id
 * @param reward quality of the answer, in [0, 1], when known
 * @param bestExpert the expert that should have answered, when known
 * @param notes free text
 * @param expected the right answer as the caller states it (a class label, a correction), when
 *     known: handed to the called experts that learn ({@link io.himoe.experts.LearningExpert})
 */
public record Feedback(
    String traceId,
    OptionalDouble reward,
    Optional<String> bestExpert,
    Optional<String> notes,
    Optional<String> expected) {

  /**
   * Feedback without a stated right answer.
   *
   * @param traceId the answer's trace id
   * @param reward quality of the answer, in [0, 1], when known
   * @param bestExpert the expert that should have answered, when known
   * @param notes free text
   */
  public Feedback(
      String traceId, OptionalDouble reward, Optional<String> bestExpert, Optional<String> notes) {
    this(traceId, reward, bestExpert, notes, Optional.empty());
  }

  /** Validates. */
  public Feedback {
    if (traceId == null || traceId.isBlank()) {
      throw new IllegalArgumentException("trace_id must not be blank");
    }
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(bestExpert, "bestExpert");
    Objects.requireNonNull(notes, "notes");
    Objects.requireNonNull(expected, "expected");
    if (expected.isPresent() && expected.get().isBlank()) {
      throw new IllegalArgumentException("expected must not be blank");
    }
    if (reward.isPresent() && !(reward.getAsDouble() >= 0 && reward.getAsDouble() <= 1)) {
      throw new IllegalArgumentException("reward must be in [0, 1], got " + reward.getAsDouble());
    }
    if (reward.isEmpty() && bestExpert.isEmpty() && expected.isEmpty()) {
      throw new IllegalArgumentException(
          "feedback needs a reward, a best expert or an expected answer");
    }
  }

  /**
   * @param traceId the answer's trace id
   * @param reward quality in [0, 1]
   * @return feedback with a reward only
   */
  public static Feedback reward(String traceId, double reward) {
    return new Feedback(traceId, OptionalDouble.of(reward), Optional.empty(), Optional.empty());
  }

  /**
   * @param answer the right answer (a class label, a correction)
   * @return this feedback stating it
   */
  public Feedback withExpected(String answer) {
    return new Feedback(traceId, reward, bestExpert, notes, Optional.of(answer));
  }

  /**
   * @param traceId the answer's trace id
   * @param expert the expert that should have answered
   * @return feedback naming the right expert
   */
  public static Feedback bestExpert(String traceId, String expert) {
    return new Feedback(traceId, OptionalDouble.empty(), Optional.of(expert), Optional.empty());
  }
}
