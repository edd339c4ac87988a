package io.himoe.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.jspecify.annotations.Nullable;

/**
 * Notices when the client of a running request closes its connection, so that the request's work
 * (expert calls, upstream streams) is cancelled at once rather than when the answer is written.
 *
 * <p>Jetty does not read an HTTP/1.1 connection while a request is being handled, so a client that
 * leaves goes unnoticed until the response is written. This watch asks the connection's endpoint to
 * report the next readable event: end of stream (the client closed) runs {@code onDisconnect}.
 * Bytes instead (a pipelined request, which OpenAI clients never send) stop the watch; the response
 * then closes the connection, since the bytes read are lost. {@link #close()} releases the read
 * interest before the response completes, so Jetty reads the next request as usual.
 */
final class DisconnectWatch implements AutoCloseable {

  // Given to the fill interest when the watch ends (every request): the callback ignores it, so it
  // carries no stack trace (filling one in per request cost more than the rest of the watch).
  private static final IOException HANDLED = new Handled();

  private static final class Handled extends IOException {
    private static final long serialVersionUID = 1L;

    Handled() {
      super("request handled");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  // Null when the connection cannot be watched: then the watch does nothing.
  private final @Nullable AbstractEndPoint endPoint;
  private final Runnable onDisconnect;
  private final Context ctx;
  private boolean done;
  private boolean gone;

  private DisconnectWatch(@Nullable AbstractEndPoint endPoint, Runnable onDisconnect, Context ctx) {
    this.endPoint = endPoint;
    this.onDisconnect = onDisconnect;
    this.ctx = ctx;
  }

  /**
   * Starts watching the request's connection (after its body was read).
   *
   * @param ctx the request
   * @param onDisconnect what to do when the client closes the connection (quick, non-blocking)
   * @return the watch; close it when the handler is done
   */
  static DisconnectWatch start(Context ctx, Runnable onDisconnect) {
    ServletContextRequest r = ServletContextRequest.getServletContextRequest(ctx.req());
    if (r == null
        || !(r.getConnectionMetaData().getConnection().getEndPoint() instanceof AbstractEndPoint ep)
        || !ep.isOpen()) {
      return new DisconnectWatch(null, onDisconnect, ctx);
    }
    DisconnectWatch w = new DisconnectWatch(ep, onDisconnect, ctx);
    w.arm();
    return w;
  }

  /** The endpoint; only armed (and so only read) when there is one. */
  private AbstractEndPoint watched() {
    return Objects.requireNonNull(endPoint, "armed with an endpoint");
  }

  private synchronized void arm() {
    // Non-blocking callback: it only reads what is already there, then cancels or re-arms.
    Callback readable =
        Callback.from(Invocable.InvocationType.NON_BLOCKING, this::readable, x -> {});
    if (!watched().tryFillInterested(readable)) {
      // Jetty itself is reading (e.g. an unread body): nothing to watch.
      done = true;
    }
  }

  private synchronized void readable() {
    if (done) {
      return;
    }
    int n;
    try {
      // Jetty fills buffers kept in flush mode (empty: limit 0), as BufferUtil allocates them.
      n = watched().fill(BufferUtil.allocate(256));
    } catch (IOException e) {
      n = -1;
    }
    if (n == 0) {
      arm();
      return;
    }
    done = true;
    if (n < 0) {
      gone = true;
      onDisconnect.run();
    } else {
      pipelined();
    }
  }

  private void pipelined() {
    try {
      ctx.header("Connection", "close");
    } catch (RuntimeException e) {
      // The response is already committed: the connection closes when it fails to parse.
    }
  }

  /**
   * @return whether the client was seen leaving
   */
  synchronized boolean disconnected() {
    return gone;
  }

  /** Stops watching and gives the connection's read interest back to Jetty. */
  @Override
  public synchronized void close() {
    if (endPoint != null && !done) {
      done = true;
      endPoint.getFillInterest().onFail(HANDLED);
    }
  }
}
