package io.himoe.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.server.store.FeedbackStore;
import io.himoe.server.store.StoreException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Optional;

/** {@code GET /v1/traces/{id}}: a kept decision with its input, answer, shadows and feedback. */
final class TracesHandler {

  private final TraceLog traces;
  private final FeedbackStore store;
  private final ApiKeys keys;

  TracesHandler(TraceLog traces, FeedbackStore store, ApiKeys keys) {
    this.traces = traces;
    this.store = store;
    this.keys = keys;
  }

  void get(Context ctx) throws IOException {
    // Traces show inputs and answers: a key is needed once keys are configured, and only the
    // decision's owner (or an admin) may read one made under a key.
    Caller caller = keys.requireWhenKeysInUse(ctx);
    String id = ctx.pathParam("id");
    Optional<TraceLog.Claim> claim = traces.claimOf(id);
    if (!caller.mayAccess(claim.flatMap(TraceLog.Claim::owner))) {
      throw new ApiError(403, "permission_denied", "this decision was made under another API key");
    }
    TraceLog.Entry e =
        traces
            .get(id)
            .orElseThrow(
                () ->
                    ApiError.notFound(
                        "trace_not_found", "no decision with trace id '" + id + "' is kept"));
    ObjectNode out = JsonBodies.MAPPER.valueToTree(e);
    claim.flatMap(TraceLog.Claim::owner).ifPresent(o -> out.put("owner", o));
    claim.flatMap(TraceLog.Claim::correlationId).ifPresent(c -> out.put("correlation_id", c));
    traces.sessionOf(id).ifPresent(n -> out.set("session", JsonBodies.MAPPER.valueToTree(n)));
    try {
      out.set("feedback", JsonBodies.MAPPER.valueToTree(store.forTrace(id)));
    } catch (StoreException down) {
      out.putArray("feedback");
      out.put("feedback_error", "the feedback store is unavailable");
    }
    Responses.json(ctx, 200, out);
  }
}
