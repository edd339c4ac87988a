package io.himoe.server.cli;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options of commands that talk to a running server. */
final class ServerOption {

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "the Hi-MoE server (default: http://127.0.0.1:8080)")
  @Nullable String url;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "bearer API key for protected routes (default: $HIMOE_API_KEY, else the first"
              + " of $HIMOE_API_KEYS)")
  @Nullable String apiKey;

  /**
   * @param url the server URL
   * @param apiKey the key given on the command line, or null
   * @return the option with those values
   */
  static ServerOption of(@Nullable String url, @Nullable String apiKey) {
    ServerOption o = new ServerOption();
    o.url = url;
    o.apiKey = apiKey;
    return o;
  }

  ApiClient client(Map<String, String> env) {
    String key = apiKey;
    if (key == null) {
      key = env.get("HIMOE_API_KEY");
    }
    if (key == null && env.get("HIMOE_API_KEYS") != null) {
      key = env.get("HIMOE_API_KEYS").split(",")[0].strip();
    }
    return new ApiClient(url == null ? "http://127.0.0.1:8080" : url, key);
  }
}
