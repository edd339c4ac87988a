package io.himoe.server.cli;

import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code ask} and {@code route} share: the request's words, a forced router, and a server to
 * ask instead of building the engine here.
 */
final class RequestOptions {

  @Parameters(arity = "1..*", paramLabel = "TEXT", description = "the request")
  List<String> words;

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

  /**
   * @return the request's text
   * @throws CliFailure when it is blank
   */
  String text() {
    String text = String.join(" ", words);
    if (text.isBlank()) {
      throw new CliFailure("TEXT: the request is empty", ExitCodes.USAGE);
    }
    return text;
  }
}
