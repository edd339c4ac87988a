package io.himoe.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.store.FeedbackIntake;
import io.himoe.server.store.FeedbackStore;
import io.himoe.server.store.StoreException;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/** {@code POST /v1/feedback}: stores a judgement of a decision durably, then trains on it. */
final class FeedbackHandler {

  /**
   * The reply to an accepted feedback.
   *
   * @param status {@code accepted}, or {@code queued} when it waits on this replica's disk for the
   *     shared database to come back
   * @param feedbackId its id in the feedback log, absent while queued
   * @param traceId the decision judged
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Accepted(String status, @Nullable Long feedbackId, String traceId) {}

  private final Assembly assembly;
  private final FeedbackIntake intake;
  private final TraceLog traces;
  private final JsonBodies bodies;
  private final ApiKeys keys;
  private final InstantSource clock;

  FeedbackHandler(
      Assembly assembly,
      FeedbackIntake intake,
      TraceLog traces,
      JsonBodies bodies,
      ApiKeys keys,
      InstantSource clock) {
    this.assembly = assembly;
    this.intake = intake;
    this.traces = traces;
    this.bodies = bodies;
    this.keys = keys;
    this.clock = clock;
  }

  void handle(Context ctx) throws IOException {
    Caller caller = keys.check(ctx, ApiKeys.Route.FEEDBACK);
    FeedbackRequest req = bodies.read(ctx, FeedbackRequest.class);
    String traceId = req.traceId();
    if (!knows(traceId)) {
      throw new ApiError(
          404,
          "unknown_trace",
          "trace_id",
          "trace_id: unknown or expired trace id '" + traceId + "'");
    }
    // Only the key a decision was made under (or an admin key) may judge it: otherwise a caller
    // could train the gate on someone else's requests.
    if (!caller.mayAccess(traces.claimOf(traceId).flatMap(TraceLog.Claim::owner))) {
      throw new ApiError(
          403,
          "permission_denied",
          "trace_id",
          "trace_id: this decision was made under another API key");
    }
    Optional<String> best = Optional.ofNullable(req.bestExpert());
    if (best.isPresent()
        && assembly.experts().stream().noneMatch(e -> e.name().equals(best.get()))) {
      throw ApiError.invalid("best_expert", "no expert named '" + best.get() + "'");
    }
    OptionalDouble reward =
        req.reward() == null ? OptionalDouble.empty() : OptionalDouble.of(req.reward());
    FeedbackIntake.Receipt receipt;
    try {
      receipt =
          intake.accept(
              traceId,
              reward,
              best,
              Optional.ofNullable(req.notes()),
              Optional.ofNullable(req.expected()),
              clock.millis(),
              judged(traceId));
    } catch (StoreException e) {
      throw storeDown(e);
    }
    Responses.json(
        ctx,
        202,
        new Accepted(
            receipt.queued() ? "queued" : "accepted",
            receipt.feedbackId().isPresent() ? receipt.feedbackId().getAsLong() : null,
            traceId));
  }

  private boolean knows(String traceId) {
    try {
      return intake.knows(traceId);
    } catch (StoreException e) {
      throw storeDown(e);
    }
  }

  private static ApiError storeDown(StoreException e) {
    return new ApiError(
        503,
        "store_unavailable",
        null,
        "the feedback store is unavailable (" + e.getMessage() + "); retry later");
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
                                    .filter(x -> x.status() != ExpertStatus.NOT_PICKED)
                                    .map(ExpertTrace::name)
                                    .toList())));
  }
}
