package io.himoe.server.store;

import io.himoe.server.store.FeedbackStore.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Feedback accepted while the shared database was unreachable, queued durably on local disk (an
 * SQLite file, committed with {@code synchronous=FULL} before the {@code 202}) and replayed into
 * the shared log, in order, when the database is back. Each event keeps the id chosen when it was
 * received, so a replay interrupted between the shared commit and the local delete does not append
 * it twice.
 */
final class FeedbackOutbox implements AutoCloseable {

  /**
   * A queued feedback.
   *
   * @param seq its place in the queue
   * @param eventId its id in the shared log
   * @param entry the feedback
   */
  record Queued(long seq, UUID eventId, Entry entry) {}

  private final Connection conn;

  private FeedbackOutbox(Connection conn) {
    this.conn = conn;
  }

  static FeedbackOutbox open(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute(
            "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " event_id TEXT NOT NULL UNIQUE, trace_id TEXT NOT NULL, reward REAL,"
                + " best_expert TEXT, notes TEXT, received_at_ms INTEGER NOT NULL, router TEXT,"
                + " input TEXT, chosen TEXT, expected TEXT)");
      }
      return new FeedbackOutbox(c);
    } catch (SQLException | IOException e) {
      throw new StoreException(
          "store.outbox_dir: cannot open the feedback outbox " + file + ": " + e.getMessage(), e);
    }
  }

  /** Queues and commits one feedback. */
  synchronized void add(UUID eventId, Entry e) {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO outbox(event_id, trace_id, reward, best_expert, notes, received_at_ms,"
                + " router, input, chosen, expected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, eventId.toString());
      FeedbackRows.bind(ps, 2, e);
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw new StoreException("cannot queue feedback on local disk: " + ex.getMessage(), ex);
    }
  }

  /** The oldest queued feedback, at most {@code limit}. */
  synchronized List<Queued> oldest(int limit) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM outbox ORDER BY id LIMIT ?")) {
      ps.setInt(1, limit);
      List<Queued> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Entry e = FeedbackRows.entry(rs);
          out.add(new Queued(e.id(), UUID.fromString(rs.getString("event_id")), e));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new StoreException("cannot read the feedback outbox: " + ex.getMessage(), ex);
    }
  }

  /** Removes one feedback once it is in the shared log. */
  synchronized void remove(long seq) {
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
      ps.setLong(1, seq);
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw new StoreException("cannot update the feedback outbox: " + ex.getMessage(), ex);
    }
  }

  /** How many feedbacks wait for the database. */
  synchronized long size() {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM outbox")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException ex) {
      throw new StoreException("cannot read the feedback outbox: " + ex.getMessage(), ex);
    }
  }

  @Override
  public synchronized void close() {
    try {
      conn.close();
    } catch (SQLException ex) {
      throw new StoreException("cannot close the feedback outbox: " + ex.getMessage(), ex);
    }
  }
}
