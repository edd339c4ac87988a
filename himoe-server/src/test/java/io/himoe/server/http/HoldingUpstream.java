package io.himoe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible upstream on loopback that holds every chat request until {@link #release()},
 * then answers it using ALL the completion tokens the request allowed ({@code max_tokens} or {@code
 * max_completion_tokens}): a model that always writes to its limit, so that what requests in flight
 * together use is the most they may use. With {@link #failing()} it answers 500 instead.
 */
public final class HoldingUpstream implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The prompt tokens it reports (fewer than any chat's prompt counts with the gateway). */
  public static final int PROMPT_TOKENS = 5;

  private final HttpServer server;
  private final Runnable onArrival;
  private final List<Integer> maxTokens = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(1);
  private volatile boolean failing;

  /**
   * @param onArrival called when a request arrives (before it is held)
   * @throws IOException when no port can be bound
   */
  public HoldingUpstream(Runnable onArrival) throws IOException {
    this.onArrival = onArrival;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  /**
   * @return the API base URL
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /**
   * @return the completion bound of each request received (-1 when it sent none), in arrival order
   */
  public List<Integer> maxTokens() {
    return maxTokens;
  }

  /** Answers every held request, and every later one at once, until {@link #hold()}. */
  public void release() {
    gate.countDown();
  }

  /** Holds the requests that arrive from now on until the next {@link #release()}. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  /**
   * @return this upstream, now answering 500 (after holding)
   */
  public HoldingUpstream failing() {
    failing = true;
    return this;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      JsonNode bound =
          body.hasNonNull("max_completion_tokens")
              ? body.get("max_completion_tokens")
              : body.path("max_tokens");
      int completion = bound.isNumber() ? bound.asInt() : -1;
      maxTokens.add(completion);
      CountDownLatch g = gate;
      onArrival.run();
      try {
        g.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (failing) {
        send(ex, 500, "{\"error\":{\"message\":\"upstream down\"}}");
        return;
      }
      int words = completion < 0 ? 16 : completion;
      ObjectNode r = JSON.createObjectNode();
      r.put("id", "chatcmpl-held");
      r.put("object", "chat.completion");
      r.put("created", 0);
      r.put("model", body.path("model").asText());
      ObjectNode choice = r.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", "word ".repeat(words));
      choice.put("finish_reason", completion < 0 ? "stop" : "length");
      r.putObject("usage")
          .put("prompt_tokens", PROMPT_TOKENS)
          .put("completion_tokens", words)
          .put("total_tokens", PROMPT_TOKENS + words);
      send(ex, 200, r.toString());
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    gate.countDown();
    server.stop(0);
  }
}
