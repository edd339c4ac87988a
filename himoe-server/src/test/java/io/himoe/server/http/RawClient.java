package io.himoe.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw HTTP/1.1 client on a socket: sends one request and records every read with its arrival
 * time, so tests see the bytes on the wire and their timing (chunking, flushing) as a client does.
 */
final class RawClient implements AutoCloseable {

  /**
   * Bytes that arrived together.
   *
   * @param nanos {@link System#nanoTime()} of the read
   * @param text what was read
   */
  record Read(long nanos, String text) {}

  private final Socket socket;
  private final InputStream in;
  private final List<Read> reads = new ArrayList<>();

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /**
   * @param port the server's port on 127.0.0.1
   * @param path the request path
   * @param json the JSON body
   * @return a client whose POST has been sent
   */
  static RawClient post(int port, String path, String json) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setTcpNoDelay(true);
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().write(body);
    s.getOutputStream().flush();
    return new RawClient(s);
  }

  /**
   * Reads until {@code marker} has arrived (or the connection ends).
   *
   * @param marker text to wait for
   * @return every read so far
   */
  List<Read> readUntil(String marker) throws IOException {
    byte[] buf = new byte[65536];
    while (!all().contains(marker)) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      reads.add(new Read(System.nanoTime(), new String(buf, 0, n, StandardCharsets.UTF_8)));
    }
    return reads;
  }

  /**
   * @return everything read so far
   */
  String all() {
    StringBuilder sb = new StringBuilder();
    reads.forEach(r -> sb.append(r.text()));
    return sb.toString();
  }

  /**
   * @param text what to look for
   * @return when the read that completed {@code text} arrived ({@link System#nanoTime()}), or -1
   */
  long arrivalOf(String text) {
    StringBuilder sb = new StringBuilder();
    for (Read r : reads) {
      sb.append(r.text());
      if (sb.indexOf(text) >= 0) {
        return r.nanos();
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
