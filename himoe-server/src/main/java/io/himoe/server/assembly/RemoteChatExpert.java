package io.himoe.server.assembly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.server.config.HimoeConfig;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An expert that is an OpenAI-compatible chat endpoint: it posts the request text as one user
 * message to {@code <endpoint>/chat/completions}, trying each configured model in order until one
 * answers. Cost is {@code cost_per_call + tokens / 1000 · cost_per_1k_tokens}; confidence is the
 * {@code confidence} option (default 0.7), since chat APIs report none. The HTTP timeout is the
 * smaller of {@code timeout_ms} and the request's remaining budget.
 */
final class RemoteChatExpert implements Expert {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final URI url;
  private final List<String> models;
  private final String apiKey;
  private final double costPerCall;
  private final double costPer1k;
  private final long timeoutMs;
  private final double confidence;
  private final List<String> keywords;
  private final HttpClient http;

  RemoteChatExpert(HimoeConfig.Expert spec, HttpClient http) {
    this.name = spec.name();
    String base = spec.endpoint().endsWith("/") ? spec.endpoint() : spec.endpoint() + "/";
    this.url = URI.create(base).resolve("chat/completions");
    this.models = spec.models();
    this.apiKey = spec.apiKey();
    this.costPerCall = spec.costPerCall();
    this.costPer1k = spec.costPer1kTokens();
    this.timeoutMs = spec.timeoutMs();
    this.confidence = Double.parseDouble(spec.options().getOrDefault("confidence", "0.7"));
    this.keywords = spec.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT).strip()).toList();
    this.http = http;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double canHandle(String task) {
    if (task == null || keywords.isEmpty()) {
      return 0;
    }
    String t = task.toLowerCase(Locale.ROOT);
    int hits = 0;
    for (String k : keywords) {
      if (t.contains(k)) {
        hits++;
      }
    }
    return Math.min(1.0, 0.3 * hits);
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws IOException, InterruptedException {
    String text =
        input
            .asText()
            .orElseThrow(
                () ->
                    new MoeError.InvalidInput(name + " needs text input, got " + input.describe()));
    List<String> errors = new ArrayList<>();
    for (String model : models) {
      ctx.checkAlive("call " + name);
      HttpResponse<String> resp = http.send(request(model, text, ctx), bodyHandler());
      if (resp.statusCode() / 100 == 2) {
        return parse(resp.body(), model);
      }
      errors.add(model + ": HTTP " + resp.statusCode() + " " + abbreviate(resp.body()));
    }
    throw new IOException("every model failed: " + String.join("; ", errors));
  }

  private HttpRequest request(String model, String text, Context ctx) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ObjectNode msg = body.putArray("messages").addObject();
    msg.put("role", "user");
    msg.put("content", text);
    long ms = Math.max(1, Math.min(timeoutMs, ctx.remainingMs()));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofMillis(ms))
            .header("Content-Type", "application/json")
            .header("X-Trace-Id", ctx.traceId())
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (apiKey != null && !apiKey.isBlank()) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b.build();
  }

  private static HttpResponse.BodyHandler<String> bodyHandler() {
    return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
  }

  private ExpertOut parse(String body, String model) throws IOException {
    JsonNode root = JSON.readTree(body);
    JsonNode content = root.path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw new IOException(model + ": response has no choices[0].message.content");
    }
    double tokens = root.path("usage").path("total_tokens").asDouble(0);
    double cost = costPerCall + tokens / 1000.0 * costPer1k;
    return new ExpertOut(Value.text(content.textValue()), ExpertAux.of(cost, confidence));
  }

  private static String abbreviate(String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ");
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }
}
