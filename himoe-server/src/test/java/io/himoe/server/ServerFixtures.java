package io.himoe.server;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/** Configurations and servers the server tests share. */
public final class ServerFixtures {

  private ServerFixtures() {}

  /** A Hi-MoE with one planner: as an upstream it speaks the OpenAI chat-completions protocol. */
  public static final HimoeConfig PLANNER_ONLY =
      ConfigLoader.of(Map.of())
          .parse(
              """
              experts:
                - name: planning
                  kind: planner
              routers:
                - id: main
              """,
              "upstream");

  /**
   * A planner and a math expert, each with example requests, so that learned routers can be fitted
   * (append a {@code routers:} section).
   */
  public static final String TWO_EXPERTS_WITH_EXAMPLES =
      """
      experts:
        - name: planning
          kind: planner
          examples: ["plan the trip: book; pack", "steps to move house", "roadmap for the launch"]
        - name: math
          kind: math
          examples: ["what is 2 + 2", "compute 7 * 6", "combien font 3 * 4"]
      """;

  /**
   * @param assembly what to serve
   * @param feedbackDb the server's feedback database
   * @return a started server on 127.0.0.1 and a free port
   */
  public static HimoeServer serve(Assembly assembly, Path feedbackDb) {
    return HimoeServer.builder(assembly).host("127.0.0.1").port(0).feedbackDb(feedbackDb).start();
  }

  /**
   * Sends one non-streaming chat completion.
   *
   * @param server the server
   * @param model a router id or {@code himoe}
   * @param text the user message (no quotes or backslashes)
   * @return the response
   * @throws Exception if the exchange fails
   */
  public static HttpResponse<String> chat(HimoeServer server, String model, String text)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\""
                            + model
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                            + text
                            + "\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
