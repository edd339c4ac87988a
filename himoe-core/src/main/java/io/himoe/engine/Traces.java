package io.himoe.engine;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.orchestrator.StageFailure;
import io.himoe.router.GateScores;
import io.himoe.router.RoutePlan;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.router.aggregation.MixMeta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds the traces a caller reads: a request's {@link DecisionTrace} and a route preview's. */
final class Traces {

  private Traces() {}

  static DecisionTrace decision(
      String traceId,
      RequestPipeline.Routed routed,
      Instant startedAt,
      long latencyMs,
      List<String> scheduledShadows) {
    List<StageTrace> stages = new ArrayList<>(routed.results().size() + routed.failures().size());
    for (int i = 0; i < routed.results().size(); i++) {
      RouteResult r = routed.results().get(i);
      Router router = routed.routers().get(i);
      stages.add(
          new StageTrace(
              routed.labels().get(i),
              r.routerId(),
              r.input().source().describe(),
              router.config().aggregator().id(),
              experts(r, router),
              r.shrink(),
              r.value().render(),
              r.out().mix(),
              routed.gateVersions().get(i)));
    }
    // Failed later stages go back in the order the stages ran.
    for (StageFailure f : routed.failures()) {
      Router router = f.stage().router().router();
      stages.add(
          Math.min(f.position(), stages.size()),
          new StageTrace(
              f.stage().label(),
              f.stage().router().id(),
              f.stage().input().describe(),
              router.config().aggregator().id(),
              List.of(),
              "",
              "",
              MixMeta.EMPTY,
              f.stage().router().router().gateVersion().orElse(""),
              f.error().code() + ": " + f.error().getMessage()));
    }
    return new DecisionTrace(
        traceId,
        routed.primary().id(),
        startedAt,
        latencyMs,
        routed.costUnits(),
        stages,
        scheduledShadows);
  }

  /** The called experts first, in weight order, then the best-weighted others. */
  private static List<ExpertTrace> experts(RouteResult r, Router router) {
    Map<ExpertId, ExpertOutcome> byId = new HashMap<>();
    for (ExpertOutcome o : r.outcomes()) {
      byId.put(o.expert().id(), o);
    }
    List<ExpertTrace> called = new ArrayList<>(byId.size());
    List<ExpertTrace> others = new ArrayList<>(DecisionTrace.MAX_UNPICKED);
    for (GateScores.Score s : r.weights().scores()) {
      ExpertOutcome o = byId.get(s.id());
      double score = r.scores().valueOf(s.id());
      if (o != null) {
        called.add(called(o, score, s.value()));
      } else if (others.size() < DecisionTrace.MAX_UNPICKED) {
        router
            .experts()
            .byId(s.id())
            .ifPresent(
                ref ->
                    others.add(
                        ExpertTrace.uncalled(
                            ref.name(),
                            ref.id().toString(),
                            score,
                            s.value(),
                            ExpertStatus.NOT_PICKED,
                            "")));
      } else if (called.size() == byId.size()) {
        break;
      }
    }
    called.addAll(others);
    return called;
  }

  private static ExpertTrace called(ExpertOutcome o, double score, double weight) {
    String name = o.expert().name();
    String id = o.expert().id().toString();
    ExpertStatus status = ExpertStatus.of(o);
    return switch (o) {
      case ExpertOutcome.Answered a ->
          new ExpertTrace(
              name,
              id,
              score,
              weight,
              status,
              a.latencyMs(),
              a.out().aux().costUnits(),
              a.out().aux().confidence(),
              "",
              a.out().aux().generation());
      case ExpertOutcome.Failed f ->
          new ExpertTrace(
              name,
              id,
              score,
              weight,
              status,
              f.latencyMs(),
              0,
              0,
              // An error without a message still says what it was.
              Objects.requireNonNullElse(
                  f.error().getMessage(), f.error().getClass().getSimpleName()));
      case ExpertOutcome.Dropped d ->
          new ExpertTrace(name, id, score, weight, status, d.latencyMs(), 0, 0, d.reason());
      case ExpertOutcome.Skipped s ->
          ExpertTrace.uncalled(name, id, score, weight, status, "cascade stopped earlier");
    };
  }

  /** The preview's candidates, in weight order. */
  static List<ExpertTrace> preview(Router router, RoutePlan p) {
    List<ExpertTrace> experts = new ArrayList<>();
    Map<ExpertId, Double> raw = p.scores().asMap();
    for (GateScores.Score s : p.weights().scores()) {
      ExpertRef ref = router.experts().byId(s.id()).orElse(null);
      if (ref == null) {
        continue;
      }
      ExpertStatus status;
      String detail = "";
      if (p.picked().contains(ref)) {
        status = ExpertStatus.WOULD_CALL;
      } else if (p.dropped().containsKey(ref.id())) {
        status = ExpertStatus.WOULD_DROP;
        detail = p.dropped().get(ref.id());
      } else {
        status = ExpertStatus.NOT_PICKED;
      }
      experts.add(
          ExpertTrace.uncalled(
              ref.name(),
              ref.id().toString(),
              raw.getOrDefault(ref.id(), 0.0),
              s.value(),
              status,
              detail));
    }
    return experts;
  }
}
