package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway.unknown_params}: {@code error} (the default, as OpenAI does) refuses a chat
 * parameter the gateway does not know with a 400 naming it; {@code drop} ignores it. Known
 * parameters the gateway cannot honour are refused in both modes.
 */
class UnknownParamsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String BODY =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"plan: draft it; review it\"}]%s}";

  @TempDir Path dir;

  HttpResponse<String> chat(HimoeServer server, String extra) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY.formatted(extra)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HimoeServer start(Assembly assembly, String db) {
    return HimoeServer.builder(assembly)
        .host("127.0.0.1")
        .port(0)
        .feedbackDb(dir.resolve(db))
        .start();
  }

  static Assembly assembly(String gateway) {
    return Assembly.build(
        ConfigLoader.of(Map.of())
            .parse(
                gateway
                    + """
                    experts:
                      - name: planning
                        kind: planner
                    routers:
                      - id: main
                    """,
                "test"));
  }

  @Test
  void errorRefusesAnUnknownParameterNamingIt() throws Exception {
    try (Assembly a = assembly("");
        HimoeServer s = start(a, "e.db")) {
      HttpResponse<String> r = chat(s, ", \"frobnicate\": 1");
      assertThat(r.statusCode()).isEqualTo(400);
      JsonNode error = JSON.readTree(r.body()).path("error");
      assertThat(error.path("param").asText()).isEqualTo("frobnicate");
      assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.path("message").asText()).contains("frobnicate");
      assertThat(chat(s, "").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void dropIgnoresItButStillRefusesKnownParametersItCannotHonour() throws Exception {
    try (Assembly a = assembly("gateway:\n  unknown_params: drop\n");
        HimoeServer s = start(a, "d.db")) {
      HttpResponse<String> r = chat(s, ", \"frobnicate\": {\"x\": [1, 2]}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(
              JSON.readTree(r.body())
                  .path("choices")
                  .get(0)
                  .path("message")
                  .path("content")
                  .asText())
          .contains("draft");
      HttpResponse<String> n = chat(s, ", \"n\": 2");
      assertThat(n.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(n.body()).path("error").path("param").asText()).isEqualTo("n");
      HttpResponse<String> typed = chat(s, ", \"max_tokens\": \"x\"");
      assertThat(typed.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(typed.body()).path("error").path("param").asText())
          .isEqualTo("max_tokens");
    }
  }
}
