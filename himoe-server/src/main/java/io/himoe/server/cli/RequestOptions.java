package io.himoe.server.cli;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code ask} and {@code route} share: the request's words, a forced router, and a server to
 * ask (with an API key) instead of building the engine here.
 */
final class RequestOptions {

  @Parameters(arity = "1..*", paramLabel = "TEXT", description = "the request")
  List<String> words;

  @Option(
      names = "--model",
      paramLabel = "ROUTER",
      description = "force a router (default: the orchestrator chooses)")
  @Nullable String model;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "ask a running server instead of building the engine here")
  String server;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "bearer API key, when the server protects this route or keeps traces behind keys"
              + " (default: $HIMOE_API_KEY, else the first of $HIMOE_API_KEYS)")
  String apiKey;

  /**
   * @param env the environment (for the default key)
   * @return a client of {@link #server} with the key
   */
  ApiClient client(Map<String, String> env) {
    return ServerOption.of(server, apiKey).client(env);
  }

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
