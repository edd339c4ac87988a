package io.himoe.experts.llm;

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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (port 0) speaking the OpenAI chat-completions protocol, plain
 * JSON and SSE streaming, with scripted faults: error statuses, malformed bodies, hanging responses
 * that notice when the client closes the connection, and streams that break.
 */
public final class OpenAiTestServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the server does with one request. */
  public sealed interface Reply {}

  /** A normal answer; streamed word by word when the request asks for a stream. */
  public record Ok(String text, int promptTokens, int completionTokens, String finishReason)
      implements Reply {}

  /** An error status with a body. */
  public record Status(int code, String body) implements Reply {}

  /** An error status with a {@code Retry-After} header. */
  public record RetryAfter(int code, String retryAfter) implements Reply {}

  /** A 200 whose body is not a chat completion. */
  public record Malformed(String body) implements Reply {}

  /** Sends heartbeats until the client closes the connection (or 20 s pass). */
  public record Hang() implements Reply {}

  /** Waits until {@link #release()} is called, then answers. */
  public record Held(String text) implements Reply {}

  /** Streams these tokens, then a broken chunk. */
  public record BrokenStream(List<String> tokens) implements Reply {}

  /** Streams these tokens, then hangs until the client closes the connection. */
  public record StreamThenHang(List<String> tokens) implements Reply {}

  /** Streams these tokens, then ends the response without a finish reason or [DONE]. */
  public record StreamThenEnd(List<String> tokens) implements Reply {}

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private volatile Reply fallback = new Ok("hello", 10, 2, "stop");
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final List<String> authHeaders = new CopyOnWriteArrayList<>();
  private final List<String> traceHeaders = new CopyOnWriteArrayList<>();
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private final Semaphore arrived = new Semaphore(0);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch clientClosed = new CountDownLatch(1);

  public OpenAiTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public OpenAiTestServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  public OpenAiTestServer always(Reply r) {
    fallback = r;
    return this;
  }

  public int requestCount() {
    return count.get();
  }

  List<JsonNode> requests() {
    return requests;
  }

  List<String> authHeaders() {
    return authHeaders;
  }

  /** The {@code X-Trace-Id} of each request ("" when absent). */
  List<String> traceHeaders() {
    return traceHeaders;
  }

  /** When each request arrived ({@link System#nanoTime()}). */
  List<Long> arrivals() {
    return arrivals;
  }

  /** Waits for a request to arrive. */
  public boolean awaitRequest(Duration d) throws InterruptedException {
    return arrived.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until a hanging reply sees the client close its connection. */
  public boolean awaitClientClosed(Duration d) throws InterruptedException {
    return clientClosed.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void release() {
    release.countDown();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      requests.add(body);
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authHeaders.add(auth == null ? "" : auth);
      String trace = ex.getRequestHeaders().getFirst("X-Trace-Id");
      traceHeaders.add(trace == null ? "" : trace);
      arrivals.add(System.nanoTime());
      count.incrementAndGet();
      arrived.release();
      boolean stream = body.path("stream").asBoolean(false);
      String model = body.path("model").asText();
      Reply r = script.poll();
      if (r == null) {
        r = fallback;
      }
      switch (r) {
        case Ok ok -> {
          if (stream) {
            stream(ex, model, words(ok.text()), ok, false);
          } else {
            send(ex, 200, completion(model, ok).toString());
          }
        }
        case Status s -> send(ex, s.code(), s.body());
        case RetryAfter ra -> {
          ex.getResponseHeaders().add("Retry-After", ra.retryAfter());
          send(ex, ra.code(), "{\"error\":\"slow down\"}");
        }
        case Malformed m -> send(ex, 200, m.body());
        case Hang h -> hang(ex, stream);
        case Held h -> {
          awaitRelease();
          send(ex, 200, completion(model, new Ok(h.text(), 5, 1, "stop")).toString());
        }
        case BrokenStream b -> stream(ex, model, b.tokens(), null, true);
        case StreamThenEnd s -> {
          ex.getResponseHeaders().add("Content-Type", "text/event-stream");
          ex.sendResponseHeaders(200, 0);
          for (String t : s.tokens()) {
            event(ex.getResponseBody(), chunk(model, t, null).toString());
          }
        }
        case StreamThenHang s -> {
          ex.getResponseHeaders().add("Content-Type", "text/event-stream");
          ex.sendResponseHeaders(200, 0);
          OutputStream out = ex.getResponseBody();
          try {
            for (String t : s.tokens()) {
              event(out, chunk(model, t, null).toString());
            }
          } catch (IOException e) {
            // A client that cancels after its first token may be gone before the last is written.
            clientClosed.countDown();
            return;
          }
          heartbeatUntilClosed(out, true);
        }
      }
    }
  }

  private void awaitRelease() {
    try {
      release.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void hang(HttpExchange ex, boolean stream) throws IOException {
    ex.getResponseHeaders().add("Content-Type", stream ? "text/event-stream" : "application/json");
    ex.sendResponseHeaders(200, 0);
    heartbeatUntilClosed(ex.getResponseBody(), stream);
  }

  private void heartbeatUntilClosed(OutputStream out, boolean stream) {
    // JSON allows leading whitespace and SSE ignores comment lines, so a heartbeat keeps the
    // response open without completing it; writing fails once the client has closed the socket.
    byte[] beat = (stream ? ": ping\n\n" : " ").getBytes(StandardCharsets.UTF_8);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try {
      while (System.nanoTime() < end) {
        out.write(beat);
        out.flush();
        Thread.sleep(20);
      }
    } catch (IOException e) {
      clientClosed.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stream(HttpExchange ex, String model, List<String> tokens, Ok ok, boolean breakAtEnd)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    for (String t : tokens) {
      event(out, chunk(model, t, null).toString());
    }
    if (breakAtEnd) {
      event(out, "{\"choices\": [ {\"delta\": ");
      return;
    }
    event(out, chunk(model, null, ok.finishReason()).toString());
    ObjectNode usage = base(model, "chat.completion.chunk");
    usage.putArray("choices");
    usage.set("usage", usage(ok));
    event(out, usage.toString());
    event(out, "[DONE]");
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static List<String> words(String text) {
    String[] parts = text.split("(?<= )");
    return List.of(parts);
  }

  static ObjectNode base(String model, String object) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", "chatcmpl-test");
    n.put("object", object);
    n.put("created", 1_700_000_000L);
    n.put("model", model);
    return n;
  }

  static ObjectNode completion(String model, Ok ok) {
    ObjectNode n = base(model, "chat.completion");
    ObjectNode choice = n.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    msg.put("content", ok.text());
    choice.put("finish_reason", ok.finishReason());
    n.set("usage", usage(ok));
    return n;
  }

  static ObjectNode chunk(String model, String token, String finish) {
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

  static ObjectNode usage(Ok ok) {
    ObjectNode u = JSON.createObjectNode();
    u.put("prompt_tokens", ok.promptTokens());
    u.put("completion_tokens", ok.completionTokens());
    u.put("total_tokens", ok.promptTokens() + ok.completionTokens());
    return u;
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
