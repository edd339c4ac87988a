package io.himoe.engine;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.router.GateScores;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Map;

/**
 * A stored decision, kept under its trace id so that late feedback can be joined to it. It keeps
 * only what feedback reads — per stage the router's input, the picked experts' weights and
 * utilities — not the raw scores of every expert nor the answers: thousands of decisions are kept,
 * and with many experts whole route results made the live heap, and so every collection, grow with
 * the expert count.
 *
 * @param primaryRouter the primary router's id
 * @param stages what feedback needs of each stage, in order
 * @param routers the router of each stage
 */
record Decision(String primaryRouter, List<Stage> stages, List<Router> routers) {

  /**
   * @param input what the router saw
   * @param weightIds the experts of the policy's weights, in their order
   * @param weightValues their weights
   * @param picked the experts called
   * @param utilByName each called expert's utility in the aggregate, by name
   */
  record Stage(
      RouterInput input,
      ExpertId[] weightIds,
      double[] weightValues,
      List<ExpertRef> picked,
      Map<String, Double> utilByName) {

    /**
     * @return the policy's weights at decision time
     */
    GateScores weights() {
      return GateScores.of(List.of(weightIds), weightValues);
    }
  }

  /**
   * @param primaryRouter the primary router's id
   * @param results the stages' full results
   * @param routers the router of each stage
   * @return the decision keeping what feedback needs
   */
  static Decision of(String primaryRouter, List<RouteResult> results, List<Router> routers) {
    List<Stage> stages =
        results.stream()
            .map(
                r ->
                    new Stage(
                        r.input(),
                        r.weights().ids().toArray(ExpertId[]::new),
                        r.weights().values(),
                        List.copyOf(r.picked()),
                        Map.copyOf(r.out().mix().utilByExpert())))
            .toList();
    return new Decision(primaryRouter, stages, List.copyOf(routers));
  }
}
