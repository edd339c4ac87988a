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
 * The edge as browsers and SDKs see it: CORS (off by default, then for listed origins only), {@code
 * x-request-id} on every response, routes without {@code /v1}, {@code /v1/models/{id}}.
 */
class EdgeTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String CHAT =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"plan: draft it; review it\"}]}";

  @TempDir Path dir;

  static Assembly assembly(String extra) {
    return Assembly.build(
        ConfigLoader.of(Map.of())
            .parse(
                extra
                    + """
                    experts:
                      - name: planning
                        kind: planner
                    routers:
                      - id: main
                    """,
                "test"));
  }

  HimoeServer start(Assembly a, String db) {
    return HimoeServer.builder(a).host("127.0.0.1").port(0).feedbackDb(dir.resolve(db)).start();
  }

  static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder chat(HimoeServer s, String path, String origin) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(s.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(CHAT));
    return origin == null ? b : b.header("Origin", origin);
  }

  @Test
  void corsIsOffByDefault() throws Exception {
    try (Assembly a = assembly("");
        HimoeServer s = start(a, "off.db")) {
      HttpResponse<String> r = send(chat(s, "/v1/chat/completions", "https://app.example.com"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void corsAnswersListedOriginsOnlyAndExposesTheHeadersClientsRead() throws Exception {
    try (Assembly a =
            assembly(
                "gateway:\n  cors:\n    origins: [\"https://app.example.com\"]\n    max_age_s: 120\n");
        HimoeServer s = start(a, "on.db")) {
      HttpResponse<String> pre =
          send(
              HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions"))
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://app.example.com")
                  .header("Access-Control-Request-Method", "POST")
                  .header("Access-Control-Request-Headers", "authorization, content-type"));
      assertThat(pre.statusCode()).isEqualTo(204);
      assertThat(pre.headers().firstValue("Access-Control-Allow-Origin"))
          .contains("https://app.example.com");
      assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
          .contains("POST");
      assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
          .contains("authorization");
      assertThat(pre.headers().firstValue("Access-Control-Max-Age")).contains("120");

      HttpResponse<String> ok = send(chat(s, "/v1/chat/completions", "https://app.example.com"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Access-Control-Allow-Origin"))
          .contains("https://app.example.com");
      assertThat(ok.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
          .contains("x-request-id")
          .contains("x-ratelimit-remaining-requests")
          .contains("Retry-After");
      assertThat(ok.headers().firstValue("Vary")).contains("Origin");

      HttpResponse<String> other = send(chat(s, "/v1/chat/completions", "https://evil.example"));
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void everyResponseHasARequestIdAndRoutesAnswerWithoutV1() throws Exception {
    try (Assembly a = assembly("");
        HimoeServer s = start(a, "ids.db")) {
      HttpResponse<String> bare = send(chat(s, "/chat/completions", null));
      assertThat(bare.statusCode()).isEqualTo(200);
      String id = bare.headers().firstValue("x-request-id").orElseThrow();
      assertThat(JSON.readTree(bare.body()).path("trace_id").asText()).isEqualTo(id);

      HttpResponse<String> missing =
          send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/nothing-here")).GET());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.headers().firstValue("x-request-id")).isPresent();
      assertThat(JSON.readTree(missing.body()).path("error").path("code").asText())
          .isEqualTo("not_found");

      JsonNode model =
          JSON.readTree(
              send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/models/main")).GET()).body());
      assertThat(model.path("id").asText()).isEqualTo("main");
      assertThat(model.path("object").asText()).isEqualTo("model");
      HttpResponse<String> unknown =
          send(HttpRequest.newBuilder(URI.create(s.url() + "/models/gpt-9")).GET());
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(unknown.body()).path("error").path("code").asText())
          .isEqualTo("model_not_found");
    }
  }
}
