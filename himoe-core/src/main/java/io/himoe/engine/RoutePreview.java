package io.himoe.engine;

import java.util.List;

/**
 * The routing decision for an input without calling any expert: what the primary router's gate
 * says, whom it would call within the current budget, and which shadows would run.
 *
 * @param routerId the primary router
 * @param experts candidates in weight order; status {@code would-call}, {@code would-drop} (with
 *     the budget reason) or {@code not-picked}
 * @param shrink why top-k would shrink, or empty
 * @param shadows the shadows that would run after the answer
 */
public record RoutePreview(
    String routerId, List<ExpertTrace> experts, String shrink, List<String> shadows) {

  /** Copies. */
  public RoutePreview {
    experts = List.copyOf(experts);
    shadows = List.copyOf(shadows);
  }
}
