package io.himoe.server.assembly;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.router.ForwardingRouter;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.server.config.SessionsConfig;
import io.himoe.server.sessions.Session;
import io.himoe.server.sessions.SessionHint;
import io.himoe.shared.Context;
import io.himoe.shared.RouterInput;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Applies a conversation's session to the gate: a sticky session keeps the expert that answered its
 * previous turn unless another expert's gate weight beats it by the margin; an escalate-only
 * session never moves to a cheaper expert; a session whose last turn awaits tool results stays with
 * the expert that called the tools. The request's {@link SessionHint} records what was decided and
 * why (weights compared), for the reply and the trace.
 */
final class SessionRouter extends ForwardingRouter {

  private final SessionsConfig config;
  private final ToDoubleFunction<String> costOf;

  /**
   * @param inner the router
   * @param config the sessions section
   * @param costOf an expert's configured cost (cost per call plus per 1k tokens), by name
   */
  SessionRouter(Router inner, SessionsConfig config, ToDoubleFunction<String> costOf) {
    super(inner);
    this.config = config;
    this.costOf = costOf;
  }

  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    GateScores raw = delegate.gate(input, ctx);
    Optional<SessionHint> hint = ctx.memory().get(SessionHint.KEY).map(SessionHint.class::cast);
    if (hint.isEmpty() || hint.get().previous().isEmpty() || raw.size() == 0) {
      return raw;
    }
    SessionHint h = hint.get();
    Session prev = h.previous().get();
    Optional<ExpertRef> kept =
        experts().list().stream().filter(r -> r.name().equals(prev.expert())).findFirst();
    if (kept.isEmpty()) {
      h.decide("moved", "the session's expert " + prev.expert() + " is not behind " + id());
      return raw;
    }
    ExpertId keptId = kept.get().id();
    double[] values = raw.values();
    List<ExpertId> ids = raw.ids();
    StringBuilder why = new StringBuilder();
    if (config.escalateOnly()) {
      double floor = costOf.applyAsDouble(prev.expert());
      for (int i = 0; i < values.length; i++) {
        String name = nameOf(ids.get(i));
        if (!ids.get(i).equals(keptId) && costOf.applyAsDouble(name) < floor) {
          values[i] = Double.NEGATIVE_INFINITY;
          why.append(why.isEmpty() ? "escalate-only left out cheaper " : ", ").append(name);
        }
      }
      if (!why.isEmpty()) {
        why.append("; ");
      }
    }
    GateScores gated = GateScores.of(ids, values);
    Map<ExpertId, Double> w = config().policy().apply(gated).asMap();
    double mine = w.getOrDefault(keptId, 0.0);
    ExpertId best = keptId;
    double bestOther = Double.NEGATIVE_INFINITY;
    for (Map.Entry<ExpertId, Double> e : w.entrySet()) {
      if (!e.getKey().equals(keptId) && e.getValue() > bestOther) {
        bestOther = e.getValue();
        best = e.getKey();
      }
    }
    boolean stay =
        h.pinned()
            || (config.sticky() && mine + config.margin() >= bestOther)
            || bestOther == Double.NEGATIVE_INFINITY;
    if (stay) {
      double top = Double.NEGATIVE_INFINITY;
      for (double v : values) {
        top = Math.max(top, v);
      }
      values[ids.indexOf(keptId)] = top + 1;
      h.decide(
          "stayed",
          why
              + (h.pinned()
                  ? "the conversation returns tool results to " + prev.expert()
                  : String.format(
                      Locale.ROOT,
                      "%s kept: weight %.3f + margin %.2f >= %.3f (%s)",
                      prev.expert(),
                      mine,
                      config.margin(),
                      Math.max(0, bestOther),
                      best.equals(keptId) ? "no other" : nameOf(best))));
      return GateScores.of(ids, values);
    }
    h.decide(
        "moved",
        why
            + String.format(
                Locale.ROOT,
                "%s (weight %.3f) beats %s (%.3f) by more than the margin %.2f",
                nameOf(best),
                bestOther,
                prev.expert(),
                mine,
                config.margin()));
    return GateScores.of(ids, values);
  }

  private String nameOf(ExpertId id) {
    return experts().byId(id).map(ExpertRef::name).orElse(id.toString());
  }
}
