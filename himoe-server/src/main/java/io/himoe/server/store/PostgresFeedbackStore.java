package io.himoe.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The feedback log in PostgreSQL, shared by every replica. Appends take a transaction-scoped
 * advisory lock so that ids become visible in increasing order: a replica whose cursor is at id
 * {@code n} never later finds a committed id below {@code n} (with plain sequences, a slower
 * transaction could commit {@code n-1} after {@code n} was read, and the cursor would skip it).
 * Each append notifies {@value SharedStore#FEEDBACK_CHANNEL} on commit.
 */
final class PostgresFeedbackStore implements FeedbackStore {

  // Any constant shared by every replica: the key of the append lock.
  private static final long APPEND_LOCK = 0x48694d6f45L; // "HiMoE"

  private final DataSource ds;

  PostgresFeedbackStore(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public Entry append(Entry pending) {
    return append(UUID.randomUUID(), pending);
  }

  /**
   * Appends once: a second append of the same event id (a replay of the local outbox after a crash
   * between the commit and the outbox's delete) returns the stored entry.
   *
   * @param eventId the event's id, chosen when it was received
   * @param e the entry (its id is ignored)
   * @return the stored entry, with its position in the log
   */
  Entry append(UUID eventId, Entry e) {
    Objects.requireNonNull(e.traceId(), "traceId");
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_xact_lock(" + APPEND_LOCK + ")");
        }
        long id;
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO feedback(event_id, trace_id, reward, best_expert, notes,"
                    + " received_at_ms, router, input, chosen, expected)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (event_id) DO NOTHING RETURNING id")) {
          ps.setObject(1, eventId);
          FeedbackRows.bind(ps, 2, e);
          try (ResultSet rs = ps.executeQuery()) {
            id = rs.next() ? rs.getLong(1) : -1;
          }
        }
        if (id < 0) {
          c.rollback();
          return existing(c, eventId);
        }
        try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
          n.setString(1, SharedStore.FEEDBACK_CHANNEL);
          n.setString(2, Long.toString(id));
          n.execute();
        }
        c.commit();
        return new Entry(
            id, e.traceId(), e.reward(), e.bestExpert(), e.notes(), e.receivedAtMs(), e.decision());
      } catch (SQLException ex) {
        rollbackQuietly(c);
        throw ex;
      }
    } catch (SQLException ex) {
      throw new StoreException("cannot store feedback: " + ex.getMessage(), ex);
    }
  }

  private static Entry existing(Connection c, UUID eventId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM feedback WHERE event_id = ?")) {
      ps.setObject(1, eventId);
      try (ResultSet rs = ps.executeQuery()) {
        return FeedbackRows.entries(rs).getFirst();
      }
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the pool discards it.
    }
  }

  @Override
  public List<Entry> forTrace(String traceId) {
    return query("SELECT * FROM feedback WHERE trace_id = ? ORDER BY id", traceId);
  }

  @Override
  public List<Entry> forRouter(String router) {
    return query(
        "SELECT * FROM feedback WHERE router = ? AND input IS NOT NULL ORDER BY id", router);
  }

  @Override
  public List<Entry> after(long afterId, int limit) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT * FROM feedback WHERE id > ? ORDER BY id LIMIT ?")) {
      ps.setLong(1, afterId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        return FeedbackRows.entries(rs);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read feedback: " + e.getMessage(), e);
    }
  }

  @Override
  public long count() {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM feedback")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot count feedback: " + e.getMessage(), e);
    }
  }

  /**
   * @param replicaId a replica
   * @return how far it has trained on the log (0 when it never did)
   */
  long cursor(String replicaId) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT position FROM replica_cursor WHERE replica_id = ?")) {
      ps.setString(1, replicaId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the cursor of " + replicaId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records how far a replica has trained.
   *
   * @param replicaId the replica
   * @param position the id of the last entry it applied
   * @param nowMs the time (epoch ms)
   */
  void saveCursor(String replicaId, long position, long nowMs) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO replica_cursor(replica_id, position, updated_at_ms) VALUES (?, ?, ?)"
                    + " ON CONFLICT (replica_id) DO UPDATE SET position = EXCLUDED.position,"
                    + " updated_at_ms = EXCLUDED.updated_at_ms")) {
      ps.setString(1, replicaId);
      ps.setLong(2, position);
      ps.setLong(3, nowMs);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot save the cursor of " + replicaId + ": " + e.getMessage(), e);
    }
  }

  private List<Entry> query(String sql, String arg) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return FeedbackRows.entries(rs);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read feedback: " + e.getMessage(), e);
    }
  }

  /** The pool belongs to the {@link SharedStore}, which closes it. */
  @Override
  public void close() {}
}
