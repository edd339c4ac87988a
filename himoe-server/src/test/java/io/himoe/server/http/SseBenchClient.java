package io.himoe.server.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One closed-loop client of {@link GatewayTtftBench}: a raw socket that posts streamed chat
 * requests and times, from the moment a request is written, the first SSE line carrying content
 * (TTFT) and {@code data: [DONE]} (total). It reads HTTP/1.1 itself (status, headers, chunked or
 * length-delimited or to-the-end bodies) so that nothing between the socket and the clock buffers
 * or parses more than the timing needs.
 *
 * <p>Two connection modes: {@link Connection#CLOSE} opens a connection per request ({@code
 * Connection: close}), {@link Connection#KEEP_ALIVE} keeps one connection for as long as the server
 * keeps it open, as the OpenAI SDKs and LangChain4j do.
 */
final class SseBenchClient {

  /** How the client uses connections. */
  enum Connection {
    /** A new connection per request. */
    CLOSE,
    /** One connection reused for every request (reopened only when the server closes it). */
    KEEP_ALIVE;

    static Connection parse(String s) {
      return switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "close" -> CLOSE;
        case "keepalive", "keep-alive" -> KEEP_ALIVE;
        default ->
            throw new IllegalArgumentException("connection mode: close or keepalive, not " + s);
      };
    }

    String label() {
      return this == CLOSE ? "close" : "keep-alive";
    }
  }

  /**
   * What one client measured.
   *
   * @param ttft time to the first content line, ns
   * @param total time to {@code [DONE]}, ns
   * @param slow the start ({@link System#nanoTime()}) and TTFT of every request, for matching the
   *     slowest ones against GC pauses: pairs {@code [start0, ttft0, start1, ttft1, ...]}
   * @param count pairs used in {@code slow}
   * @param errors failed requests (non-200, missing content or [DONE], I/O errors)
   */
  record Result(Histogram ttft, Histogram total, long[] slow, int count, long errors) {}

  private final URI uri;
  private final Connection mode;
  private final byte[] request;

  SseBenchClient(URI uri, Connection mode, String body) {
    this.uri = uri;
    this.mode = mode;
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + uri.getPath()
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + uri.getPort()
            + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
            + (mode == Connection.CLOSE ? "Connection: close\r\n" : "")
            + "Content-Length: "
            + b.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    this.request = new byte[h.length + b.length];
    System.arraycopy(h, 0, request, 0, h.length);
    System.arraycopy(b, 0, request, h.length, b.length);
  }

  /**
   * One request's timestamps ({@link System#nanoTime()}).
   *
   * @param start when the request was written
   * @param first when the first content line arrived
   * @param done when {@code data: [DONE]} arrived
   */
  record Timing(long start, long first, long done) {}

  private Socket socket;

  /**
   * Sends one request on this client's connection (opened first when there is none; closed after
   * the request in {@link Connection#CLOSE} mode or when the server will not reuse it).
   *
   * @return its timestamps, or null when it failed (non-200, missing content or [DONE], I/O error)
   */
  Timing once() {
    try {
      if (socket == null) {
        socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
        socket.setTcpNoDelay(true);
      }
      Exchange x = exchange(socket);
      if (mode == Connection.CLOSE || !x.reusable) {
        closeQuietly(socket);
        socket = null;
      }
      return x.ok() ? new Timing(x.start, x.first, x.done) : null;
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      socket = null;
      return null;
    }
  }

  /** Closes this client's connection, if one is open. */
  void close() {
    closeQuietly(socket);
    socket = null;
  }

  /** Sends requests one after the other until {@code end} ({@link System#nanoTime()}). */
  Result run(long end) {
    Histogram ttft = new Histogram(3);
    Histogram total = new Histogram(3);
    long[] starts = new long[2048];
    int n = 0;
    long errors = 0;
    try {
      while (System.nanoTime() < end) {
        Timing t = once();
        if (t == null) {
          errors++;
          continue;
        }
        ttft.recordValue(t.first() - t.start());
        total.recordValue(t.done() - t.start());
        if (2 * n + 2 > starts.length) {
          starts = java.util.Arrays.copyOf(starts, starts.length * 2);
        }
        starts[2 * n] = t.start();
        starts[2 * n + 1] = t.first() - t.start();
        n++;
      }
    } finally {
      close();
    }
    return new Result(ttft, total, starts, n, errors);
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing to do: the socket is dropped
      }
    }
  }

  /** One request's timestamps (ns) and whether the connection can carry the next one. */
  private static final class Exchange {
    long start;
    long first = -1;
    long done = -1;
    int status;
    boolean reusable;

    boolean ok() {
      return status == 200 && first >= 0 && done >= 0;
    }
  }

  private Exchange exchange(Socket s) throws IOException {
    Exchange x = new Exchange();
    OutputStream out = s.getOutputStream();
    // One reader per request: a keep-alive response is read exactly to its end, so nothing of the
    // next one is ever buffered here.
    InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
    x.start = System.nanoTime();
    out.write(request);
    out.flush();
    String status = line(in);
    if (status == null) {
      throw new IOException("connection closed before the status line");
    }
    x.status = Integer.parseInt(status.split(" ", 3)[1]);
    boolean chunked = false;
    long length = -1;
    boolean close = false;
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).strip());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    Lines lines = new Lines(x);
    if (chunked) {
      for (String size = line(in); ; size = line(in)) {
        if (size == null) {
          throw new IOException("connection closed inside a chunked body");
        }
        int semi = size.indexOf(';');
        long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
        if (n == 0) {
          for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
            // trailers: ignored
          }
          break;
        }
        copy(in, n, lines);
        line(in); // the CRLF after the chunk
      }
      x.reusable = !close;
    } else if (length >= 0) {
      copy(in, length, lines);
      x.reusable = !close;
    } else {
      copy(in, Long.MAX_VALUE, lines);
      x.reusable = false;
    }
    return x;
  }

  private static void copy(InputStream in, long n, Lines lines) throws IOException {
    for (long i = 0; i < n; i++) {
      int b = in.read();
      if (b < 0) {
        if (n == Long.MAX_VALUE) {
          return;
        }
        throw new IOException("connection closed inside a body");
      }
      lines.accept(b);
    }
  }

  /** Splits the body into SSE lines and stamps the first content line and [DONE]. */
  private static final class Lines {
    private final Exchange x;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);

    Lines(Exchange x) {
      this.x = x;
    }

    void accept(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      String l = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (x.first < 0 && l.startsWith("data: {") && l.contains("\"content\":\"")) {
        x.first = System.nanoTime();
      } else if (x.done < 0 && l.startsWith("data: [DONE]")) {
        x.done = System.nanoTime();
      }
    }
  }

  /** A CRLF- (or LF-) terminated ASCII line without its terminator; null at the end. */
  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        return sb.isEmpty() ? null : sb.toString();
      }
      if (b == '\n') {
        int last = sb.length() - 1;
        return last >= 0 && sb.charAt(last) == '\r' ? sb.substring(0, last) : sb.toString();
      }
      sb.append((char) b);
    }
  }
}
