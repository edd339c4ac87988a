package io.himoe.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * The feedback log in an embedded SQLite file: each feedback is committed (journal in WAL mode,
 * {@code synchronous=FULL}) before the server answers {@code 202}, so it survives a crash and can
 * be replayed into learned routers. Thread-safe (writes are serialised).
 */
final class SqliteFeedbackStore implements FeedbackStore {

  private final Connection conn;

  private SqliteFeedbackStore(Connection conn) {
    this.conn = conn;
  }

  /**
   * Opens (or creates) the store.
   *
   * @param file the SQLite file; its directory is created if missing
   * @return the store
   * @throws StoreException if it cannot be opened
   */
  static SqliteFeedbackStore open(Path file) {
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
            "CREATE TABLE IF NOT EXISTS feedback ("
                + "id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + "trace_id TEXT NOT NULL,"
                + "reward REAL,"
                + "best_expert TEXT,"
                + "notes TEXT,"
                + "received_at_ms INTEGER NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS feedback_trace ON feedback(trace_id)");
        // Schema 2: the judged decision, for offline replay. Older files gain the columns.
        addColumnIfMissing(s, "router", "TEXT");
        addColumnIfMissing(s, "input", "TEXT");
        addColumnIfMissing(s, "chosen", "TEXT");
        // Schema 3: the expected answer, for experts that learn.
        addColumnIfMissing(s, "expected", "TEXT");
      }
      return new SqliteFeedbackStore(c);
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException("cannot open feedback store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stores one feedback with the decision it judged, and commits it.
   *
   * @param traceId the decision
   * @param reward quality in [0, 1], or empty
   * @param bestExpert the right expert, or {@code null}
   * @param notes free text, or {@code null}
   * @param receivedAtMs when it was received
   * @param decision the judged decision, when known
   * @return the stored entry
   * @throws StoreException if it could not be stored
   */
  @Override
  public synchronized Entry append(Entry e) {
    Objects.requireNonNull(e.traceId(), "traceId");
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO feedback(trace_id, reward, best_expert, notes, received_at_ms, router,"
                + " input, chosen, expected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      FeedbackRows.bind(ps, 1, e);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        long id = keys.next() ? keys.getLong(1) : -1;
        return new Entry(
            id,
            e.traceId(),
            e.reward(),
            e.bestExpert(),
            e.notes(),
            e.receivedAtMs(),
            e.decision(),
            e.expected());
      }
    } catch (SQLException ex) {
      throw new StoreException("cannot store feedback: " + ex.getMessage(), ex);
    }
  }

  /**
   * @param traceId a decision
   * @return its feedback, oldest first
   */
  @Override
  public synchronized List<Entry> forTrace(String traceId) {
    return query("SELECT * FROM feedback WHERE trace_id = ? ORDER BY id", traceId);
  }

  /**
   * @param router a router id
   * @return the feedback on that router's decisions whose decision is stored, oldest first
   */
  @Override
  public synchronized List<Entry> forRouter(String router) {
    return query(
        "SELECT * FROM feedback WHERE router = ? AND input IS NOT NULL ORDER BY id", router);
  }

  private static void addColumnIfMissing(Statement s, String column, String type)
      throws SQLException {
    boolean present = false;
    try (ResultSet rs = s.executeQuery("PRAGMA table_info(feedback)")) {
      while (rs.next()) {
        present |= rs.getString("name").equals(column);
      }
    }
    if (!present) {
      s.execute("ALTER TABLE feedback ADD COLUMN " + column + " " + type);
    }
  }

  /**
   * @return how many feedback entries are stored
   */
  @Override
  public synchronized long count() {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM feedback")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot count feedback: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Entry> after(long afterId, int limit) {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT * FROM feedback WHERE id > ? ORDER BY id LIMIT ?")) {
      ps.setLong(1, afterId);
      ps.setInt(2, limit);
      return read(ps);
    } catch (SQLException e) {
      throw new StoreException("cannot read feedback: " + e.getMessage(), e);
    }
  }

  private List<Entry> query(String sql, String arg) {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, arg);
      return read(ps);
    } catch (SQLException e) {
      throw new StoreException("cannot read feedback: " + e.getMessage(), e);
    }
  }

  private static List<Entry> read(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return FeedbackRows.entries(rs);
    }
  }

  /** Closes the database. */
  @Override
  public synchronized void close() {
    try {
      conn.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close feedback store: " + e.getMessage(), e);
    }
  }
}
