package io.himoe.server.http;

import java.util.concurrent.Executor;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's HTTP connector, with a new connection accepted and set up by the selector itself.
 *
 * <p>Why: Jetty's default path for a new connection is four hand-offs between threads before the
 * request's handler runs: the acceptor thread accepts, the selector registers the socket, another
 * pool thread creates the endpoint and the HTTP connection and asks for the first read (which wakes
 * the selector again), and the selector, seeing the request's bytes, starts the handler's thread.
 * On a busy machine each hand-off can wait for a core, and a client that opens a connection per
 * request (or the first request of every keep-alive connection) pays them all (docs/BENCHMARKS.md
 * §12, session 10). Here the selector accepts (no acceptor thread) and runs the endpoint's and
 * connection's set-up itself: creating them is a few allocations for plain HTTP/1.1 (no TLS here),
 * and the first read interest is then applied in the same selector loop without a wake-up, so the
 * handler's thread is the only hand-off, as for a request on a kept-alive connection.
 *
 * <p>The set-up task is recognised by Jetty's class name ({@value #ACCEPT}); should a Jetty release
 * rename it, connections are set up as Jetty does by default ({@code SelectorAcceptConnectorTest}
 * then fails).
 */
final class SelectorAcceptConnector extends ServerConnector {

  /** Jetty's task that creates a new connection's endpoint (jetty-io 12.1). */
  static final String ACCEPT = "org.eclipse.jetty.io.ManagedSelector$Accept";

  /**
   * @param server the Jetty server
   * @param http the HTTP configuration (Javalin's)
   * @param host the host to listen on
   * @param port the port (0: any free port)
   */
  SelectorAcceptConnector(Server server, HttpConfiguration http, String host, int port) {
    // 0 acceptors: the selector accepts; -1 selectors: Jetty's default count for the machine.
    super(server, 0, -1, new HttpConnectionFactory(http));
    setHost(host);
    setPort(port);
  }

  @Override
  protected SelectorManager newSelectorManager(
      Executor executor, Scheduler scheduler, int selectors) {
    return new ServerConnectorManager(executor, scheduler, selectors) {
      @Override
      protected void execute(Runnable task) {
        if (task.getClass().getName().equals(ACCEPT)) {
          // On the selector thread that registered the new connection.
          task.run();
        } else {
          super.execute(task);
        }
      }
    };
  }
}
