package io.himoe.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code himoe feedback}: sends feedback on a past answer to a running server. */
@Command(
    name = "feedback",
    mixinStandardHelpOptions = true,
    description =
        "Send feedback on a past answer (by its trace id) to a running server, which stores it"
            + " and trains the routers that made the decision.")
final class FeedbackCommand implements Callable<Integer> {

  @ParentCommand Cli cli;

  @Mixin ServerOption server;

  @Option(names = "--trace", required = true, paramLabel = "ID", description = "the trace id")
  String traceId;

  @Option(names = "--reward", paramLabel = "R", description = "answer quality in [0, 1]")
  Double reward;

  @Option(
      names = "--best-expert",
      paramLabel = "NAME",
      description = "the expert that should have answered")
  String bestExpert;

  @Option(names = "--notes", paramLabel = "TEXT", description = "free text")
  String notes;

  @Override
  public Integer call() {
    if (reward == null && bestExpert == null) {
      throw new CliFailure("give --reward or --best-expert (or both)", ExitCodes.USAGE);
    }
    if (reward != null && !(reward >= 0 && reward <= 1)) {
      throw new CliFailure("--reward: expected a number in [0, 1], got " + reward, ExitCodes.USAGE);
    }
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("trace_id", traceId);
    if (reward != null) {
      body.put("reward", reward);
    }
    if (bestExpert != null) {
      body.put("best_expert", bestExpert);
    }
    if (notes != null) {
      body.put("notes", notes);
    }
    JsonNode resp = server.client(cli.env()).post("/v1/feedback", body);
    cli.out()
        .println(
            "feedback "
                + resp.path("feedback_id").asText()
                + " stored for trace "
                + resp.path("trace_id").asText());
    return ExitCodes.OK;
  }
}
