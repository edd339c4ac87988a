package io.himoe.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.server.store.FeedbackStore;
import io.himoe.server.store.StoreException;
import io.javalin.http.Context;
import java.io.IOException;

/** {@code GET /v1/traces/{id}}: a kept decision with its input, answer, shadows and feedback. */
final class TracesHandler {

  private final TraceLog traces;
  private final FeedbackStore store;

  TracesHandler(TraceLog traces, FeedbackStore store) {
    this.traces = traces;
    this.store = store;
  }

  void get(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    TraceLog.Entry e =
        traces
            .get(id)
            .orElseThrow(
                () ->
                    ApiError.notFound(
                        "trace_not_found", "no decision with trace id '" + id + "' is kept"));
    ObjectNode out = JsonBodies.MAPPER.valueToTree(e);
    try {
      out.set("feedback", JsonBodies.MAPPER.valueToTree(store.forTrace(id)));
    } catch (StoreException down) {
      out.putArray("feedback");
      out.put("feedback_error", "the feedback store is unavailable");
    }
    Responses.json(ctx, 200, out);
  }
}
