package io.himoe.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the shared store's channels (PostgreSQL LISTEN/NOTIFY) on a connection of its own and
 * hands each notification's channel to a callback. When the connection breaks it reconnects every
 * half second; notifications sent meanwhile are lost, which is why the follower also polls.
 */
final class Notifications implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  private static final int WAIT_MS = 500;

  private final SharedStore store;
  private final Consumer<String> onNotify;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean connected;

  Notifications(SharedStore store, Consumer<String> onNotify) {
    this.store = store;
    this.onNotify = onNotify;
    this.thread = Thread.ofPlatform().daemon().name("himoe-listen").start(this::run);
  }

  /**
   * @return whether the listening connection is up
   */
  boolean connected() {
    return connected;
  }

  private void run() {
    while (running) {
      try (Connection c = store.listenConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + SharedStore.FEEDBACK_CHANNEL);
          s.execute("LISTEN " + SharedStore.STATE_CHANNEL);
        }
        connected = true;
        // Anything may have happened while we were not listening.
        onNotify.accept(SharedStore.STATE_CHANNEL);
        onNotify.accept(SharedStore.FEEDBACK_CHANNEL);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] got = pg.getNotifications(WAIT_MS);
          if (got != null) {
            for (PGNotification n : got) {
              onNotify.accept(n.getName());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (connected) {
          LOG.warn("store notifications lost ({}); reconnecting", e.getMessage());
        }
      } finally {
        connected = false;
      }
      pause();
    }
  }

  private void pause() {
    try {
      Thread.sleep(WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops listening. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(2 * WAIT_MS + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
