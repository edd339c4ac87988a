package io.himoe.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback in front of a database that can stall: while stalled it keeps every
 * connection open and accepts new ones, but forwards no byte either way, as a frozen database
 * process or a network that silently drops packets would. Nothing times out on its own: only the
 * client's timeouts can end a call that waits on it.
 */
final class StallingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private volatile boolean stalled;
  private volatile boolean closed;

  /**
   * @param targetPort the database's port on 127.0.0.1
   * @throws IOException when no port can be bound
   */
  StallingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread.ofVirtual().name("stalling-proxy-accept").start(this::acceptLoop);
  }

  /**
   * @return the port clients connect to
   */
  int port() {
    return server.getLocalPort();
  }

  /** Forwards nothing from now on (connections stay open). */
  void stall() {
    stalled = true;
  }

  /** Forwards again, what was held included. */
  void resume() {
    synchronized (lock) {
      stalled = false;
      lock.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread.ofVirtual().start(() -> connect(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void connect(Socket client) {
    try {
      awaitFlowing();
      Socket db = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      sockets.add(db);
      Thread.ofVirtual().start(() -> pump(client, db));
      pump(db, client);
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        awaitFlowing();
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // A side closed: close the other.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void awaitFlowing() throws InterruptedException {
    synchronized (lock) {
      while (stalled && !closed) {
        lock.wait();
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    resume();
    server.close();
    sockets.forEach(StallingProxy::closeQuietly);
  }
}
