package io.himoe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local OpenAI-compatible upstream on 127.0.0.1 for gateway tests (the himoe-llm test server is
 * the model): answers chat completions whole or as SSE with a delay between tokens, calls tools, or
 * hangs until its client closes the connection (and records when it noticed). Records every request
 * body.
 */
public final class LocalUpstream implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the upstream does with each request. */
  public sealed interface Behaviour {}

  /**
   * Answers with these tokens, streamed {@code delayMs} apart when the request streams.
   *
   * @param tokens the answer, token by token
   * @param delayMs pause before each token, in ms
   * @param promptTokens reported prompt tokens
   */
  public record Tokens(List<String> tokens, long delayMs, int promptTokens) implements Behaviour {}

  /**
   * Calls one tool.
   *
   * @param id the call's id
   * @param name the function
   * @param arguments its JSON arguments
   */
  public record CallTool(String id, String name, String arguments) implements Behaviour {}

  /**
   * Streams these tokens (when the request streams), then sends nothing useful until the client
   * closes the connection (at most 30 s).
   *
   * @param first tokens sent before hanging
   */
  public record Hang(List<String> first) implements Behaviour {}

  /**
   * Answers every request with this HTTP status and an OpenAI-shaped error body.
   *
   * @param status the status, e.g. 500
   */
  public record Fail(int status) implements Behaviour {}

  /**
   * Chooses what to do for each request from its body.
   *
   * @param pick the behaviour for a request body (not itself a {@code Choose})
   */
  public record Choose(java.util.function.Function<JsonNode, Behaviour> pick)
      implements Behaviour {}

  private final HttpServer server;
  private volatile Behaviour behaviour = new Tokens(List.of("hello"), 0, 10);
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final Semaphore arrived = new Semaphore(0);
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong closedAt = new AtomicLong();
  private volatile CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean keepRequests = true;

  /** Starts on a free port. */
  public LocalUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  /**
   * @return the base URL, e.g. {@code http://127.0.0.1:1234/v1}
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /**
   * @param b what to do with the next requests
   * @return this
   */
  public LocalUpstream behave(Behaviour b) {
    this.behaviour = b;
    this.closed = new CountDownLatch(1);
    return this;
  }

  /**
   * @param keep whether to record request bodies (a benchmark sending many thousands turns it off:
   *     the list would grow, and copy itself, with every request)
   * @return this
   */
  public LocalUpstream keepRequests(boolean keep) {
    this.keepRequests = keep;
    return this;
  }

  /**
   * @return every request body received, in order
   */
  public List<JsonNode> requests() {
    return requests;
  }

  /**
   * @return requests being answered now
   */
  public int open() {
    return open.get();
  }

  /**
   * @param d how long to wait
   * @return whether a request arrived in time
   */
  public boolean awaitRequest(Duration d) throws InterruptedException {
    return arrived.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * @param d how long to wait
   * @return the {@link System#nanoTime()} at which a hanging reply saw its client close, or -1
   */
  public long awaitClientClosed(Duration d) throws InterruptedException {
    return closed.await(d.toMillis(), TimeUnit.MILLISECONDS) ? closedAt.get() : -1;
  }

  private void handle(HttpExchange ex) throws IOException {
    open.incrementAndGet();
    try (ex) {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      if (keepRequests) {
        requests.add(body);
        arrived.release();
      }
      boolean stream = body.path("stream").asBoolean(false);
      String model = body.path("model").asText();
      Behaviour b = behaviour;
      if (b instanceof Choose c) {
        b = c.pick().apply(body);
      }
      switch (b) {
        case Tokens t -> {
          if (stream) {
            stream(ex, model, t);
          } else {
            pause(t.delayMs() * t.tokens().size());
            send(ex, completion(model, String.join("", t.tokens()), t));
          }
        }
        case CallTool c -> send(ex, toolCall(model, c));
        case Hang h -> hang(ex, model, stream, h.first());
        case Fail f -> {
          byte[] err =
              "{\"error\":{\"message\":\"upstream failure\",\"type\":\"server_error\"}}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(f.status(), err.length);
          ex.getResponseBody().write(err);
        }
        case Choose c -> throw new IllegalStateException("Choose must pick another behaviour");
      }
    } finally {
      open.decrementAndGet();
    }
  }

  private void stream(HttpExchange ex, String model, Tokens t) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    for (String token : t.tokens()) {
      pause(t.delayMs());
      event(out, chunk(model, token, null).toString());
    }
    event(out, chunk(model, null, "stop").toString());
    ObjectNode usage = base(model, "chat.completion.chunk");
    usage.putArray("choices");
    usage.set("usage", usage(t.promptTokens(), t.tokens().size()));
    event(out, usage.toString());
    event(out, "[DONE]");
  }

  private void hang(HttpExchange ex, String model, boolean stream, List<String> first)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", stream ? "text/event-stream" : "application/json");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    if (stream) {
      for (String token : first) {
        event(out, chunk(model, token, null).toString());
      }
    }
    // Whitespace is valid before JSON and an SSE comment is ignored: the reply stays open, and a
    // write fails soon after the client closed the connection.
    byte[] beat = (stream ? ": ping\n\n" : " ").getBytes(StandardCharsets.UTF_8);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (System.nanoTime() < end) {
        out.write(beat);
        out.flush();
        Thread.sleep(5);
      }
    } catch (IOException e) {
      closedAt.set(System.nanoTime());
      closed.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static ObjectNode base(String model, String object) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", "chatcmpl-upstream");
    n.put("object", object);
    n.put("created", 1_700_000_000L);
    n.put("model", model);
    return n;
  }

  private static String completion(String model, String text, Tokens t) {
    ObjectNode n = base(model, "chat.completion");
    ObjectNode choice = n.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", text);
    choice.put("finish_reason", "stop");
    n.set("usage", usage(t.promptTokens(), t.tokens().size()));
    return n.toString();
  }

  private static String toolCall(String model, CallTool c) {
    ObjectNode n = base(model, "chat.completion");
    ObjectNode choice = n.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message").put("role", "assistant");
    msg.putNull("content");
    ObjectNode call = msg.putArray("tool_calls").addObject();
    call.put("id", c.id());
    call.put("type", "function");
    call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
    choice.put("finish_reason", "tool_calls");
    n.set("usage", usage(20, 7));
    return n.toString();
  }

  private static ObjectNode chunk(String model, String token, String finish) {
    ObjectNode n = base(model, "chat.completion.chunk");
    ArrayNode choices = n.putArray("choices");
    ObjectNode c = choices.addObject();
    c.put("index", 0);
    ObjectNode delta = c.putObject("delta");
    if (token != null) {
      delta.put("content", token);
    }
    if (finish == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finish);
    }
    return n;
  }

  private static ObjectNode usage(int prompt, int completion) {
    ObjectNode u = JSON.createObjectNode();
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt + completion);
    return u;
  }

  private static void send(HttpExchange ex, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
