package io.himoe.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.engine.Answer;
import io.himoe.engine.DecisionTrace;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code himoe ask}: one request; prints the answer and, with {@code --explain}, its trace. */
@Command(
    name = "ask",
    mixinStandardHelpOptions = true,
    description =
        "Answer one request (locally on the configuration, or on a server with --server) and"
            + " print the answer; --explain adds the decision trace.")
final class AskCommand implements Callable<Integer> {

  @ParentCommand Cli cli;

  @Mixin ConfigOption config;

  @Mixin RequestOptions request;

  @Option(names = "--explain", description = "also print the decision trace")
  boolean explain;

  @Option(names = "--json", description = "print the answer and trace as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String text = request.text();
    if (request.server != null) {
      return remote(text);
    }
    try (Assembly a = Assembly.build(config.load(cli.env()))) {
      // Loads models before the request's deadline starts; quiet, so stderr holds only errors.
      a.warmUp(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
      Answer ans = a.engine().ask(InputData.text(text), a.newContext(null, request.model));
      print(ans.value().render(), ans.trace());
      return ExitCodes.OK;
    }
  }

  private int remote(String text) throws Exception {
    ApiClient c = request.client(cli.env());
    ObjectNode req = ApiClient.json().createObjectNode();
    req.put("model", request.model == null ? Assembly.AUTO_MODEL : request.model);
    ObjectNode m = req.putArray("messages").addObject();
    m.put("role", "user");
    m.put("content", text);
    JsonNode resp = c.post("/v1/chat/completions", req);
    String answer = resp.path("choices").path(0).path("message").path("content").asText();
    @Nullable DecisionTrace trace = null;
    if (explain || json) {
      JsonNode t = c.get("/v1/traces/" + resp.path("trace_id").asText()).path("trace");
      trace = HimoeServer.json().treeToValue(t, DecisionTrace.class);
    }
    print(answer, trace);
    return ExitCodes.OK;
  }

  private void print(String answer, @Nullable DecisionTrace trace) throws Exception {
    if (json) {
      ObjectNode o = HimoeServer.json().createObjectNode();
      o.put("answer", answer);
      o.set("trace", HimoeServer.json().valueToTree(trace));
      cli.out().println(HimoeServer.json().writerWithDefaultPrettyPrinter().writeValueAsString(o));
      return;
    }
    cli.out().println(answer);
    if (explain && trace != null) {
      cli.out().println();
      cli.out().print(TraceFormatter.format(trace));
    }
  }
}
