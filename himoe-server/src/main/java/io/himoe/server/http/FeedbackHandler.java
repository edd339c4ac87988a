package io.himoe.server.http;

import io.himoe.engine.ExpertTrace;
import io.himoe.engine.Feedback;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.store.FeedbackStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalDouble;

/** {@code POST /v1/feedback}: stores a judgement of a decision durably, then trains on it. */
final class FeedbackHandler {

  /**
   * The reply to an accepted feedback.
   *
   * @param status always {@code accepted}
   * @param feedbackId its id in the feedback log
   * @param traceId the decision judged
   */
  record Accepted(String status, long feedbackId, String traceId) {}

  private final Assembly assembly;
  private final FeedbackStore store;
  private final TraceLog traces;
  private final JsonBodies bodies;
  private final ApiKeys keys;
  private final InstantSource clock;

  FeedbackHandler(
      Assembly assembly,
      FeedbackStore store,
      TraceLog traces,
      JsonBodies bodies,
      ApiKeys keys,
      InstantSource clock) {
    this.assembly = assembly;
    this.store = store;
    this.traces = traces;
    this.bodies = bodies;
    this.keys = keys;
    this.clock = clock;
  }

  void handle(Context ctx) throws IOException {
    keys.authorize(ctx);
    FeedbackRequest req = bodies.read(ctx, FeedbackRequest.class);
    String traceId = req.traceId();
    if (!assembly.engine().knows(traceId)) {
      throw new ApiError(
          404,
          "unknown_trace",
          "trace_id",
          "trace_id: unknown or expired trace id '" + traceId + "'");
    }
    Optional<String> best = Optional.ofNullable(req.bestExpert());
    if (best.isPresent()
        && assembly.experts().stream().noneMatch(e -> e.name().equals(best.get()))) {
      throw ApiError.invalid("best_expert", "no expert named '" + best.get() + "'");
    }
    OptionalDouble reward =
        req.reward() == null ? OptionalDouble.empty() : OptionalDouble.of(req.reward());
    FeedbackStore.Entry stored =
        store.append(
            traceId, reward, req.bestExpert(), req.notes(), clock.millis(), judged(traceId));
    assembly
        .engine()
        .feedback(new Feedback(traceId, reward, best, Optional.ofNullable(req.notes())));
    Responses.json(ctx, 202, new Accepted("accepted", stored.id(), traceId));
  }

  /** The decision a feedback judges, from the trace log, so the stored log can be replayed. */
  private Optional<FeedbackStore.Decision> judged(String traceId) {
    return traces
        .get(traceId)
        .flatMap(
            e ->
                e.trace()
                    .map(
                        t ->
                            new FeedbackStore.Decision(
                                t.routerId(),
                                e.input(),
                                t.stages().getFirst().experts().stream()
                                    .filter(x -> !x.status().equals("not-picked"))
                                    .map(ExpertTrace::name)
                                    .toList())));
  }
}
