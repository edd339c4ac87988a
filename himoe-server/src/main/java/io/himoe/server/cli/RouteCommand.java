package io.himoe.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.engine.RoutePreview;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code himoe route}: the routing decision alone, without calling any expert. */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description =
        "Show the routing decision for a request (gate scores, picks, weights, top-k shrink,"
            + " shadows) without calling any expert.")
final class RouteCommand implements Callable<Integer> {

  @ParentCommand Cli cli;

  @Mixin ConfigOption config;

  @Mixin RequestOptions request;

  @Option(names = "--json", description = "print the decision as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String text = request.text();
    RoutePreview p;
    if (request.server != null) {
      ObjectNode req = ApiClient.json().createObjectNode();
      req.put("input", text);
      req.put("model", request.model == null ? Assembly.AUTO_MODEL : request.model);
      JsonNode resp = request.client(cli.env()).post("/v1/route", req);
      ((ObjectNode) resp).remove("trace_id");
      p = HimoeServer.json().treeToValue(resp, RoutePreview.class);
    } else {
      try (Assembly a = Assembly.build(config.load(cli.env()))) {
        p = a.engine().preview(InputData.text(text), a.newContext(null, request.model));
      }
    }
    if (json) {
      cli.out().println(HimoeServer.json().writerWithDefaultPrettyPrinter().writeValueAsString(p));
    } else {
      cli.out().print(TraceFormatter.format(p));
    }
    return ExitCodes.OK;
  }
}
