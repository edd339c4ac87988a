package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SelectorAcceptConnector}: connections are served as by Jetty's own connector, and a new
 * connection is accepted and set up on the selector's thread (no acceptor thread, no pool thread in
 * between).
 */
class SelectorAcceptConnectorTest {

  private final List<Boolean> openedOnSelector = new CopyOnWriteArrayList<>();
  private Server server;
  private SelectorAcceptConnector connector;

  @BeforeEach
  void start() throws Exception {
    server = new Server();
    connector = new SelectorAcceptConnector(server, new HttpConfiguration(), "127.0.0.1", 0);
    connector.addBean(
        new Connection.Listener() {
          @Override
          public void onOpened(Connection connection) {
            openedOnSelector.add(onSelectorLoop());
          }
        });
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.write(
                true, java.nio.ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        });
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  /** Whether this thread is running Jetty's selector loop (ManagedSelector's producer). */
  private static boolean onSelectorLoop() {
    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
      if (e.getClassName().startsWith("org.eclipse.jetty.io.ManagedSelector$SelectorProducer")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aConnectionPerRequestIsAcceptedAndSetUpOnTheSelector() throws Exception {
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
        assertThat(get(s, true)).startsWith("HTTP/1.1 200").endsWith("hi");
      }
    }
    assertThat(connector.getAcceptors()).isZero();
    assertThat(openedOnSelector).hasSize(20).containsOnly(true);
  }

  @Test
  void aKeptAliveConnectionServesRequestAfterRequest() throws Exception {
    try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
      for (int i = 0; i < 5; i++) {
        assertThat(get(s, false)).startsWith("HTTP/1.1 200").endsWith("hi");
      }
    }
    assertThat(openedOnSelector).containsExactly(true);
  }

  /** One GET; with {@code close}, reads to the end of the connection, else one response. */
  private static String get(Socket s, boolean close) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET / HTTP/1.1\r\nHost: x\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    while (!(sb.toString().contains("\r\n\r\n") && sb.toString().endsWith("hi"))) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      sb.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
    }
    return sb.toString();
  }
}
