package io.himoe.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.engine.RoutePreview;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

  @Parameters(arity = "1..*", paramLabel = "TEXT", description = "the request")
  List<String> words;

  @Option(names = "--json", description = "print the decision as JSON")
  boolean json;

  @Option(
      names = "--model",
      paramLabel = "ROUTER",
      description = "force a router (default: the orchestrator chooses)")
  String model;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "ask a running server instead of building the engine here")
  String server;

  @Override
  public Integer call() throws Exception {
    String text = String.join(" ", words);
    if (text.isBlank()) {
      throw new CliFailure("TEXT: the request is empty", ExitCodes.USAGE);
    }
    RoutePreview p;
    if (server != null) {
      ObjectNode req = ApiClient.json().createObjectNode();
      req.put("input", text);
      req.put("model", model == null ? Assembly.AUTO_MODEL : model);
      JsonNode resp = new ApiClient(server, null).post("/v1/route", req);
      ((ObjectNode) resp).remove("trace_id");
      p = HimoeServer.json().treeToValue(resp, RoutePreview.class);
    } else {
      try (Assembly a = Assembly.build(config.load(cli.env()))) {
        p = a.engine().preview(InputData.text(text), a.newContext(null, model));
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
