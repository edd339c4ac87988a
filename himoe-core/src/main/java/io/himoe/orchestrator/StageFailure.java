package io.himoe.orchestrator;

import io.himoe.shared.MoeError;
import java.util.Objects;

/**
 * A later stage of a request (a plan step, a chained router) that failed after its router re-routed
 * it as far as it could, when the engine answers with the stages that completed ({@code
 * on_step_failure: partial}).
 *
 * @param stage the stage that failed
 * @param position its place among all the request's stages in the order they ran (the first stage
 *     is 0), so that an orchestrator can put it back between the completed ones
 * @param error why it failed
 */
public record StageFailure(Stage stage, int position, MoeError error) {

  /** Validates. */
  public StageFailure {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(error, "error");
    if (position < 1) {
      throw new IllegalArgumentException("a failed later stage comes after the first: " + position);
    }
  }
}
