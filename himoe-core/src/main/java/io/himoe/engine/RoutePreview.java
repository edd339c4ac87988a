package io.himoe.engine;

import java.util.List;

/**
 * The routing decision for an input without calling any expert: what the primary router's gate
 * says, whom it would call within the current budget, and which shadows would run.
 *
 * @param routerId the primary router
 * @param experts candidates in weight order; status {@link ExpertStatus#WOULD_CALL}, {@link
 *     ExpertStatus#WOULD_DROP} (with the budget reason in the detail) or {@link
 *     ExpertStatus#NOT_PICKED}
 * @param shrink why top-k would shrink, or empty
 * @param shadows the shadows that would run after the answer, as far as the sample rate and the
 *     remaining budget tell (the CPU share and free permits are known only when it runs)
 */
public record RoutePreview(
    String routerId, List<ExpertTrace> experts, String shrink, List<String> shadows) {

  /** Copies. */
  public RoutePreview {
    experts = List.copyOf(experts);
    shadows = List.copyOf(shadows);
  }
}
