package io.himoe.experts.llm.internal;

import java.io.IOException;
import java.net.Proxy;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.jspecify.annotations.Nullable;

/**
 * Pooled plain-HTTP connections whose staleness is checked without waiting.
 *
 * <p>Before reusing a connection idle for more than 2 s, Apache HttpClient checks that the endpoint
 * has not closed it by reading with a 1 ms timeout: a healthy connection (no bytes, no end of
 * stream) always costs the whole millisecond, and more on a virtual thread, whose timed read parks
 * and is woken by a timer. The first request after a pause paid it before its upstream call. Here
 * plain-HTTP sockets are made from {@link SocketChannel}s, so the check is one non-blocking read:
 * end of stream, an error or bytes nobody asked for (an idle HTTP/1.1 connection receives none)
 * make the connection stale and a new one is opened; nothing to read means it is healthy. TLS
 * connections keep Apache's own check, since reading their raw socket would consume TLS records.
 */
final class StaleCheck {

  private static final AtomicLong IDS = new AtomicLong();

  /** Plain sockets from socket channels; a socket through a proxy as Apache makes it. */
  private static final DetachedSocketFactory SOCKETS =
      proxy ->
          proxy == null || proxy.type() == Proxy.Type.DIRECT
              ? SocketChannel.open().socket()
              : new Socket(proxy);

  private static final HttpConnectionFactory<ManagedHttpClientConnection> CONNECTIONS =
      socket -> {
        Connection c = new Connection("himoe-http-" + IDS.getAndIncrement());
        if (socket != null) {
          c.bind(socket);
        }
        return c;
      };

  private StaleCheck() {}

  /**
   * @return a connection manager builder whose plain-HTTP connections are checked without waiting
   */
  static PoolingHttpClientConnectionManagerBuilder connections() {
    return new PoolingHttpClientConnectionManagerBuilder() {
      @Override
      protected HttpClientConnectionOperator createConnectionOperator(
          @Nullable SchemePortResolver ports, @Nullable DnsResolver dns, TlsSocketStrategy tls) {
        return new DefaultHttpClientConnectionOperator(
            SOCKETS,
            ports,
            dns,
            RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, tls).build());
      }
    }.setConnectionFactory(CONNECTIONS);
  }

  /**
   * Whether an idle connection's socket is stale, read without waiting.
   *
   * @param socket the connection's socket
   * @return {@code true} or {@code false}, or {@code null} when the socket has no channel (TLS, a
   *     proxy): then only a timed read can tell
   */
  static @Nullable Boolean staleNow(Socket socket) {
    SocketChannel ch = socket.getChannel();
    if (ch == null) {
      return null;
    }
    synchronized (ch.blockingLock()) {
      try {
        ch.configureBlocking(false);
        try {
          return ch.read(ByteBuffer.allocate(1)) != 0;
        } finally {
          ch.configureBlocking(true);
        }
      } catch (IOException e) {
        return true;
      }
    }
  }

  /** A pooled connection whose staleness is read without waiting when its socket allows it. */
  private static final class Connection extends DefaultManagedHttpClientConnection {

    Connection(String id) {
      super(id);
    }

    @Override
    public boolean isStale() throws IOException {
      if (!isOpen()) {
        return true;
      }
      Socket socket = getSocket();
      Boolean stale = socket == null ? null : staleNow(socket);
      return stale == null ? super.isStale() : stale;
    }
  }
}
