package io.himoe.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Talks to a running Hi-MoE server for the CLI; server errors become one-line failures. */
final class ApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final @Nullable String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(String server, @Nullable String apiKey) {
    String s = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    try {
      this.base = URI.create(s + "/");
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--server: not a valid URL: " + server, ExitCodes.USAGE);
    }
    if (base.getScheme() == null || !base.getScheme().startsWith("http")) {
      throw new CliFailure("--server: expected an http(s) URL, got " + server, ExitCodes.USAGE);
    }
    this.apiKey = apiKey;
  }

  JsonNode get(String path) {
    return send(builder(path).GET().build());
  }

  JsonNode post(String path, JsonNode body) {
    try {
      return send(
          builder(path)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliFailure("cannot encode the request: " + e.getMessage(), ExitCodes.FAILED);
    }
  }

  JsonNode delete(String path) {
    return send(builder(path).DELETE().build());
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
            .timeout(Duration.ofSeconds(60));
    if (apiKey != null && !apiKey.isBlank()) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b;
  }

  private JsonNode send(HttpRequest req) {
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new CliFailure(
          "cannot reach a Hi-MoE server at " + base + " (is 'himoe serve' running?)",
          ExitCodes.FAILED);
    } catch (IOException e) {
      throw new CliFailure("request to " + base + " failed: " + e.getMessage(), ExitCodes.FAILED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure("interrupted", ExitCodes.FAILED);
    }
    JsonNode body = null;
    if (!resp.body().isBlank()) {
      try {
        body = JSON.readTree(resp.body());
      } catch (IOException e) {
        throw new CliFailure(
            "the server at " + base + " did not answer JSON (HTTP " + resp.statusCode() + ")",
            ExitCodes.FAILED);
      }
    }
    if (resp.statusCode() / 100 != 2) {
      JsonNode err = body == null ? null : body.path("error");
      String msg =
          err == null || err.isMissingNode()
              ? "HTTP " + resp.statusCode()
              : err.path("code").asText() + ": " + err.path("message").asText();
      throw new CliFailure(
          "server: " + msg, resp.statusCode() == 400 ? ExitCodes.USAGE : ExitCodes.FAILED);
    }
    return body == null ? JSON.createObjectNode() : body;
  }

  static ObjectMapper json() {
    return JSON;
  }
}
