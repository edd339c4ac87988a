package io.himoe.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.engine.RoutePreview;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.telemetry.Tracing;
import io.himoe.shared.GenerationParams;
import io.himoe.shared.InputData;
import io.javalin.http.Context;
import java.io.IOException;

/** {@code POST /v1/route}: the gate's decision for a request, without calling any expert. */
final class RouteHandler {

  private final Assembly assembly;
  private final JsonBodies bodies;
  private final Conversations conversations;
  private final ApiKeys keys;
  private final Tracing tracing;

  RouteHandler(
      Assembly assembly,
      JsonBodies bodies,
      Conversations conversations,
      ApiKeys keys,
      Tracing tracing) {
    this.keys = keys;
    this.assembly = assembly;
    this.bodies = bodies;
    this.conversations = conversations;
    this.tracing = tracing;
  }

  void handle(Context ctx) throws IOException {
    keys.check(ctx, ApiKeys.Route.ROUTE);
    RouteRequest req = bodies.read(ctx, RouteRequest.class);
    String model = req.model() == null ? Assembly.AUTO_MODEL : req.model();
    InputData input;
    if (req.input() != null) {
      if (req.input().isBlank()) {
        throw ApiError.invalid("input", "expected a non-empty string");
      }
      input = InputData.text(req.input());
    } else if (req.messages() != null) {
      input = conversations.from(req.messages(), GenerationParams.DEFAULT);
    } else {
      throw ApiError.invalid("input", "expected the request text (or 'messages')");
    }
    String tid = RequestContexts.traceId(ctx);
    io.himoe.shared.Context mctx = RequestContexts.of(assembly, tid, model);
    RoutePreview p =
        tracing.request("POST /v1/route", tid, () -> assembly.engine().preview(input, mctx));
    ObjectNode out = JsonBodies.MAPPER.valueToTree(p);
    out.put("trace_id", tid);
    Responses.json(ctx, 200, out);
  }
}
