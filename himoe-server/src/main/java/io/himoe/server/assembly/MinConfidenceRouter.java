package io.himoe.server.assembly;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Map;

/**
 * Applies a router's {@code min_confidence}: an expert whose gate weight (after the policy) is
 * under the floor is excluded, so top-k calls only experts the gate is confident in; the best
 * expert always stays, so a request is never left without a candidate.
 */
final class MinConfidenceRouter implements Router {

  private final Router inner;
  private final double floor;

  MinConfidenceRouter(Router inner, double floor) {
    this.inner = inner;
    this.floor = floor;
  }

  @Override
  public String id() {
    return inner.id();
  }

  @Override
  public ExpertRegistry experts() {
    return inner.experts();
  }

  @Override
  public RouterConfig config() {
    return inner.config();
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    GateScores raw = inner.gate(input, ctx);
    GateScores weights = config().policy().apply(raw);
    if (weights.size() == 0) {
      return raw;
    }
    double best = weights.scores().getFirst().value();
    Map<ExpertId, Double> byId = weights.asMap();
    double[] values = raw.values();
    for (int i = 0; i < values.length; i++) {
      double w = byId.get(raw.scores().get(i).id());
      if (w < floor && w < best) {
        values[i] = Double.NEGATIVE_INFINITY;
      }
    }
    return GateScores.of(raw.ids(), values);
  }

  @Override
  public void trainSignal(RouterFeedback feedback) {
    inner.trainSignal(feedback);
  }

  @Override
  public void onRouted(List<ExpertRef> called) {
    inner.onRouted(called);
  }

  @Override
  public java.util.Optional<String> gateVersion() {
    return inner.gateVersion();
  }
}
