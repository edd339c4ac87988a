package io.himoe.experts.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pooled upstream connections checked for staleness without waiting: a healthy one is reused, one
 * the endpoint closed while it was idle is replaced before the request goes out (so the request
 * succeeds), against a keep-alive HTTP server on 127.0.0.1 that counts its connections.
 */
class StaleCheckTest {

  private ServerSocket server;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Semaphore answered = new Semaphore(0);

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  accepted.incrementAndGet();
                  open.add(s);
                  Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                  return;
                }
              }
            });
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }

  /** Answers every request on the connection with a small JSON body, keeping it open. */
  private void serve(Socket s) {
    try (s) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int length = 0;
        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
          if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(h.substring(15).strip());
          }
        }
        for (int i = 0; i < length; i++) {
          in.read();
        }
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.US_ASCII);
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        answered.release();
      }
    } catch (IOException e) {
      // the client or the test closed the connection
    }
  }

  private CancellableHttpClient client() {
    // Every reuse is checked, so the test needs no idle time.
    return new CancellableHttpClientBuilder().validateAfterInactivity(Duration.ZERO).build();
  }

  private HttpRequest post() {
    return HttpRequest.builder()
        .method(HttpMethod.POST)
        .url("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions")
        .addHeader("Content-Type", "application/json")
        .body("{\"model\":\"m\"}")
        .build();
  }

  @Test
  void aHealthyIdleConnectionIsReused() {
    CancellableHttpClient c = client();

    assertThat(c.execute(post()).body()).isEqualTo("{\"ok\":true}");
    assertThat(c.execute(post()).body()).isEqualTo("{\"ok\":true}");
    assertThat(c.execute(post()).body()).isEqualTo("{\"ok\":true}");

    assertThat(accepted).hasValue(1);
  }

  @Test
  void aConnectionTheEndpointClosedWhileIdleIsReplacedAndTheRequestSucceeds() throws Exception {
    CancellableHttpClient c = client();
    assertThat(c.execute(post()).body()).isEqualTo("{\"ok\":true}");
    assertThat(answered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();

    // The endpoint drops the idle connection (as servers do after their keep-alive timeout), and
    // the close has reached the client's socket before the next request.
    Socket first = open.getFirst();
    first.close();
    awaitClosedSeenByClient();

    assertThat(c.execute(post()).body()).isEqualTo("{\"ok\":true}");
    assertThat(accepted).hasValue(2);
  }

  @Test
  void aSocketChannelReadsHealthyThenStaleOnceItsPeerCloses() throws Exception {
    try (SocketChannel ch =
        SocketChannel.open(
            new java.net.InetSocketAddress(
                InetAddress.getLoopbackAddress(), server.getLocalPort()))) {
      while (open.isEmpty()) {
        Thread.onSpinWait();
      }
      assertThat(StaleCheck.staleNow(ch.socket())).isFalse();
      // Still blocking afterwards: the connection's own reads wait as before.
      assertThat(ch.isBlocking()).isTrue();

      open.getFirst().close();
      Boolean stale = false;
      for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          !Boolean.TRUE.equals(stale) && System.nanoTime() < end; ) {
        stale = StaleCheck.staleNow(ch.socket());
      }
      assertThat(stale).isTrue();
    }
  }

  @Test
  void aSocketWithoutChannelIsLeftToApachesTimedCheck() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      assertThat(StaleCheck.staleNow(s)).isNull();
    }
  }

  /** Waits until a probe connection sees the server's side of the first connection closed. */
  private void awaitClosedSeenByClient() throws InterruptedException {
    // The FIN travels over loopback in microseconds; give the kernel a bounded moment.
    for (int i = 0; i < 50 && !open.getFirst().isClosed(); i++) {
      Thread.sleep(1);
    }
    Thread.sleep(20);
  }
}
