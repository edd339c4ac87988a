package io.himoe.server.http;

/**
 * The body of {@code POST /v1/feedback}. Validated once mapped: a missing trace id or a reward
 * outside [0, 1] is a 400 naming the field.
 *
 * @param traceId the decision judged
 * @param reward how good the answer was, in [0, 1]
 * @param bestExpert the expert that should have answered
 * @param notes free text kept with the feedback
 * @param expected the right answer (a class label, a correction): teaches the experts that learn
 */
record FeedbackRequest(
    String traceId, Double reward, String bestExpert, String notes, String expected)
    implements Validated {

  @Override
  public void validate() {
    if (traceId == null || traceId.isBlank()) {
      throw ApiError.invalid("trace_id", "expected a non-empty string");
    }
    if (reward != null && !(reward >= 0 && reward <= 1)) {
      throw ApiError.invalid("reward", "expected a number in [0, 1], got " + reward);
    }
    if (bestExpert != null && bestExpert.isBlank()) {
      throw ApiError.invalid("best_expert", "expected a non-empty string");
    }
    if (expected != null && expected.isBlank()) {
      throw ApiError.invalid("expected", "expected a non-empty string");
    }
    if (reward == null && bestExpert == null && expected == null) {
      throw new ApiError(
          400,
          "invalid_request",
          "reward",
          "reward, best_expert or expected: feedback needs at least one of them");
    }
  }
}
