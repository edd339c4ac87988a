package io.himoe.server.assembly;

import io.himoe.experts.ExpertId;
import io.himoe.router.ForwardingRouter;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.shared.Context;
import io.himoe.shared.RouterInput;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a router's {@code min_confidence}: an expert whose gate weight (after the policy) is
 * under the floor is excluded, so top-k calls only experts the gate is confident in; the best
 * expert always stays, so a request is never left without a candidate.
 */
final class MinConfidenceRouter extends ForwardingRouter {

  private final double floor;

  MinConfidenceRouter(Router inner, double floor) {
    super(inner);
    this.floor = floor;
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    GateScores raw = delegate.gate(input, ctx);
    GateScores weights = config().policy().apply(raw);
    if (weights.size() == 0) {
      return raw;
    }
    double best = weights.scores().getFirst().value();
    Map<ExpertId, Double> byId = weights.asMap();
    double[] values = raw.values();
    for (int i = 0; i < values.length; i++) {
      // The policy reorders and reweights the experts; it drops none.
      double w = Objects.requireNonNull(byId.get(raw.scores().get(i).id()));
      if (w < floor && w < best) {
        values[i] = Double.NEGATIVE_INFINITY;
      }
    }
    return GateScores.of(raw.ids(), values);
  }
}
