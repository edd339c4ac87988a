package io.himoe.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client of one replica, as a user (or a load balancer) would talk to it. */
final class ReplicaClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String url;

  ReplicaClient(String url) {
    this.url = url;
  }

  String url() {
    return url;
  }

  /** A chat answer's trace id. */
  String ask(String text) throws IOException, InterruptedException {
    return ask(text, java.util.Map.of());
  }

  /** A chat answer's trace id, the request sent with {@code headers}. */
  String ask(String text, java.util.Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        post(
            "/v1/chat/completions",
            JSON.createObjectNode()
                .put("model", "main")
                .set(
                    "messages",
                    JSON.createArrayNode()
                        .add(JSON.createObjectNode().put("role", "user").put("content", text)))
                .toString(),
            headers);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("chat: " + r.statusCode() + " " + r.body());
    }
    return r.headers().firstValue("X-Trace-Id").orElseThrow();
  }

  /** The expert the router would put first for {@code text}. */
  String top(String text) throws IOException, InterruptedException {
    return route(text).get("experts").get(0).get("name").asText();
  }

  /** The route preview's weight of {@code expert} for {@code text}. */
  double weight(String text, String expert) throws IOException, InterruptedException {
    for (JsonNode e : route(text).get("experts")) {
      if (e.get("name").asText().equals(expert)) {
        return e.get("weight").asDouble();
      }
    }
    throw new IllegalStateException("no expert " + expert);
  }

  private JsonNode route(String text) throws IOException, InterruptedException {
    HttpResponse<String> r =
        post(
            "/v1/route",
            JSON.createObjectNode().put("model", "main").put("input", text).toString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("route: " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  HttpResponse<String> feedback(String traceId, String bestExpert)
      throws IOException, InterruptedException {
    return post(
        "/v1/feedback",
        JSON.createObjectNode().put("trace_id", traceId).put("best_expert", bestExpert).toString());
  }

  HttpResponse<String> feedbackReward(String traceId, double reward)
      throws IOException, InterruptedException {
    return post(
        "/v1/feedback",
        JSON.createObjectNode().put("trace_id", traceId).put("reward", reward).toString());
  }

  /** The value of a Prometheus sample in {@code /metrics} (the first line starting with it). */
  double metric(String sample) throws IOException, InterruptedException {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : body.split("\n")) {
      if (line.startsWith(sample + " ") || line.startsWith(sample + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new IllegalStateException("no " + sample + " in /metrics of " + url);
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return post(path, body, java.util.Map.of());
  }

  HttpResponse<String> post(String path, String body, java.util.Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
