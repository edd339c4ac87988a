package io.himoe.experts.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * An OpenAI-compatible upstream on 127.0.0.1 written on plain sockets, so that its faults are those
 * of a real network peer: it hangs without sending a byte and notices the moment the client goes
 * (end of stream on its socket, as real servers detect a disconnect), answers 500 or 429 with
 * {@code Retry-After}, closes the connection in the middle of a stream, or drips its answer one
 * byte at a time. HTTP/1.1 with keep-alive. Its behaviour can be switched while it serves (a hung
 * upstream that recovers), or chosen per request number.
 */
public final class FaultyUpstream implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the upstream does with a request. */
  public sealed interface Fault {}

  /** Answers this text (as SSE when the request streams). */
  public record Answer(String text) implements Fault {}

  /** Answers this text after a delay (a slow upstream). */
  public record Slow(Duration delay, String text) implements Fault {}

  /** Sends nothing; waits for the client to go. */
  public record Hang() implements Fault {}

  /** Answers with this status and a JSON error body. */
  public record Status(int code) implements Fault {}

  /** Answers with this status and a {@code Retry-After} header (in seconds or an HTTP date). */
  public record RetryAfter(int code, String retryAfter) implements Fault {}

  /** Streams these tokens, then sends nothing more and waits for the client to go. */
  public record StreamThenHang(List<String> tokens) implements Fault {}

  /** Streams these tokens, then closes the connection without ending the response. */
  public record CloseMidStream(List<String> tokens) implements Fault {}

  /** Sends a complete answer one byte every {@code perByte}. */
  public record Drip(Duration perByte, String text) implements Fault {}

  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
  // What request n (from 1) for a model gets, after any scripted ones.
  private volatile BiFunction<Integer, String, Fault> policy = (n, model) -> new Answer("ok");
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Semaphore arrived = new Semaphore(0);
  private final Semaphore gone = new Semaphore(0);
  private final List<Long> goneAt = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * Starts listening on 127.0.0.1 and a free port.
   *
   * @throws IOException if no port can be bound
   */
  public FaultyUpstream() throws IOException {
    server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("faulty-upstream-accept").start(this::acceptLoop);
  }

  /**
   * @return the base URL, {@code http://127.0.0.1:PORT/v1}
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
  }

  /**
   * @param fault what every later request gets (after any scripted ones)
   * @return this
   */
  public FaultyUpstream always(Fault fault) {
    this.policy = (n, model) -> fault;
    return this;
  }

  /**
   * @param byRequest what the n-th request (from 1) gets, after any scripted ones
   * @return this
   */
  public FaultyUpstream byRequest(IntFunction<Fault> byRequest) {
    this.policy = (n, model) -> byRequest.apply(n);
    return this;
  }

  /**
   * @param byModel what a request gets by the {@code model} it names (one endpoint serving several
   *     models), after any scripted ones
   * @return this
   */
  public FaultyUpstream byModel(java.util.function.Function<String, Fault> byModel) {
    this.policy = (n, model) -> byModel.apply(model);
    return this;
  }

  /**
   * @param faults what the next requests get, in order
   * @return this
   */
  public FaultyUpstream then(Fault... faults) {
    script.addAll(List.of(faults));
    return this;
  }

  /**
   * @return requests received so far
   */
  public int requests() {
    return requests.get();
  }

  /**
   * @return requests being answered (or hanging) now
   */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * @param n requests
   * @param timeout how long to wait
   * @return whether {@code n} more requests arrived in time
   * @throws InterruptedException if interrupted
   */
  public boolean awaitRequests(int n, Duration timeout) throws InterruptedException {
    return arrived.tryAcquire(n, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * @param n clients
   * @param timeout how long to wait
   * @return whether {@code n} more clients went away in time while their request was unanswered
   *     (hanging, streaming, dripping)
   * @throws InterruptedException if interrupted
   */
  public boolean awaitClientsGone(int n, Duration timeout) throws InterruptedException {
    return gone.tryAcquire(n, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * @return when each client went away while its request was unanswered, {@link System#nanoTime()}
   */
  public List<Long> goneAt() {
    return List.copyOf(goneAt);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread.ofVirtual().name("faulty-upstream").start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (!closed) {
        JsonNode body = readRequest(in);
        if (body == null) {
          return;
        }
        int n = requests.incrementAndGet();
        inFlight.incrementAndGet();
        arrived.release();
        try {
          Fault f = script.poll();
          Fault next = f == null ? policy.apply(n, body.path("model").asText("")) : f;
          if (!reply(next, body, in, out)) {
            return;
          }
        } catch (IOException e) {
          // The client went away while this request was being answered.
          wentAway();
          return;
        } finally {
          inFlight.decrementAndGet();
        }
      }
    } catch (IOException e) {
      // The client went away between requests: nothing to answer.
    } finally {
      sockets.remove(s);
    }
  }

  /** Returns whether the connection stays open for another request. */
  private boolean reply(Fault f, JsonNode body, InputStream in, OutputStream out)
      throws IOException {
    String model = body.path("model").asText("m");
    boolean stream = body.path("stream").asBoolean(false);
    switch (f) {
      case Answer a -> answer(out, model, a.text(), stream);
      case Slow sl -> {
        if (!sleep(sl.delay())) {
          return false;
        }
        answer(out, model, sl.text(), stream);
      }
      case Hang h -> {
        // A real server notices a client that left by the end of stream on its socket.
        while (in.read() >= 0) {
          // A client never sends more on this request; ignore it if it does.
        }
        wentAway();
        return false;
      }
      case Status st -> send(out, st.code(), "", "{\"error\":{\"message\":\"upstream fault\"}}");
      case RetryAfter ra ->
          send(
              out,
              ra.code(),
              "Retry-After: " + ra.retryAfter() + "\r\n",
              "{\"error\":{\"message\":\"slow down\"}}");
      case StreamThenHang sh -> {
        head(out, 200, "Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n");
        for (String t : sh.tokens()) {
          chunked(out, "data: " + OpenAiTestServer.chunk(model, t, null) + "\n\n");
        }
        while (in.read() >= 0) {
          // Waiting for the client to go.
        }
        wentAway();
        return false;
      }
      case CloseMidStream c -> {
        head(out, 200, "Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n");
        for (String t : c.tokens()) {
          chunked(out, "data: " + OpenAiTestServer.chunk(model, t, null) + "\n\n");
        }
        return false;
      }
      case Drip d -> {
        byte[] b = completion(model, d.text()).getBytes(StandardCharsets.UTF_8);
        head(out, 200, "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n");
        for (byte x : b) {
          out.write(x);
          out.flush();
          if (!sleep(d.perByte())) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private void wentAway() {
    goneAt.add(System.nanoTime());
    gone.release();
  }

  private static boolean sleep(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String completion(String model, String text) {
    return OpenAiTestServer.completion(model, new OpenAiTestServer.Ok(text, 5, 1, "stop"))
        .toString();
  }

  private static void answer(OutputStream out, String model, String text, boolean stream)
      throws IOException {
    if (!stream) {
      send(out, 200, "", completion(model, text));
      return;
    }
    head(out, 200, "Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n");
    for (String t : text.split("(?<= )")) {
      chunked(out, "data: " + OpenAiTestServer.chunk(model, t, null) + "\n\n");
    }
    chunked(out, "data: " + OpenAiTestServer.chunk(model, null, "stop") + "\n\n");
    ObjectNode usage = OpenAiTestServer.base(model, "chat.completion.chunk");
    usage.putArray("choices");
    usage.set("usage", OpenAiTestServer.usage(new OpenAiTestServer.Ok(text, 5, 1, "stop")));
    chunked(out, "data: " + usage + "\n\n");
    chunked(out, "data: [DONE]\n\n");
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void send(OutputStream out, int code, String headers, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    head(
        out,
        code,
        headers + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n");
    out.write(b);
    out.flush();
  }

  private static void head(OutputStream out, int code, String headers) throws IOException {
    String reason = code == 200 ? "OK" : "Status";
    out.write(
        ("HTTP/1.1 " + code + " " + reason + "\r\n" + headers + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void chunked(OutputStream out, String data) throws IOException {
    byte[] b = data.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one request; returns its JSON body, or null when the client closed the connection. */
  private static JsonNode readRequest(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String l = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
        line.reset();
        if (l.isEmpty()) {
          if (lines.isEmpty()) {
            continue;
          }
          break;
        }
        lines.add(l);
      } else {
        line.write(c);
      }
    }
    if (c < 0) {
      return null;
    }
    int length = 0;
    for (String h : lines) {
      if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing anyway.
      }
    }
  }
}
