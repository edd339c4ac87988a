package io.himoe.server.store;

import io.himoe.learning.state.LearningSnapshot;
import io.himoe.learning.state.SnapshotStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The learned state in PostgreSQL: one row, saved with optimistic concurrency. A save names the
 * version its state descends from and succeeds only if that is still the latest; the loser learns
 * it lost and reloads. Each save notifies {@value SharedStore#STATE_CHANNEL} on commit, so the
 * other replicas reload within a second. The bytes are those of the snapshot file ({@link
 * SnapshotStore#toBytes}), with its checksum.
 */
final class PostgresLearnedState {

  /**
   * A saved state.
   *
   * @param version increases by one at every save, from 1
   * @param position the feedback log id up to which it has trained
   * @param savedBy the replica that saved it
   * @param snapshot the learned state
   */
  record Versioned(long version, long position, String savedBy, LearningSnapshot snapshot) {}

  private final DataSource ds;
  private final InstantSource clock;

  PostgresLearnedState(DataSource ds, InstantSource clock) {
    this.ds = ds;
    this.clock = clock;
  }

  /**
   * @return the latest saved state, if any
   * @throws StoreException if it cannot be read, or is corrupted
   */
  Optional<Versioned> latest() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT version, position, saved_by, body FROM learned_state WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      long version = rs.getLong(1);
      return Optional.of(
          new Versioned(
              version,
              rs.getLong(2),
              rs.getString(3),
              SnapshotStore.fromBytes(rs.getBytes(4), "learned state version " + version)));
    } catch (SQLException e) {
      throw new StoreException("cannot read the learned state: " + e.getMessage(), e);
    }
  }

  /**
   * @return the latest version and position without its body, if any (cheap)
   * @throws StoreException if it cannot be read
   */
  Optional<long[]> head() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT version, position FROM learned_state WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(new long[] {rs.getLong(1), rs.getLong(2)}) : Optional.empty();
    } catch (SQLException e) {
      throw new StoreException("cannot read the learned state: " + e.getMessage(), e);
    }
  }

  /**
   * Saves if nobody saved since {@code expectedVersion}.
   *
   * @param expectedVersion the version the state descends from (0 when none was ever saved)
   * @param position the feedback log id up to which it has trained
   * @param savedBy this replica
   * @param snapshot the state
   * @return the new version, or empty when another replica saved first
   * @throws StoreException if the database cannot be written
   */
  OptionalLong save(
      long expectedVersion, long position, String savedBy, LearningSnapshot snapshot) {
    byte[] body = SnapshotStore.toBytes(snapshot);
    long next = expectedVersion + 1;
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n;
        String sql =
            expectedVersion == 0
                ? "INSERT INTO learned_state(id, version, position, saved_by, saved_at_ms, body)"
                    + " VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
                : "UPDATE learned_state SET version = ?, position = ?, saved_by = ?,"
                    + " saved_at_ms = ?, body = ? WHERE id = 1 AND version = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setLong(1, next);
          ps.setLong(2, position);
          ps.setString(3, savedBy);
          ps.setLong(4, clock.millis());
          ps.setBytes(5, body);
          if (expectedVersion != 0) {
            ps.setLong(6, expectedVersion);
          }
          n = ps.executeUpdate();
        }
        if (n == 0) {
          c.rollback();
          return OptionalLong.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
          ps.setString(1, SharedStore.STATE_CHANNEL);
          ps.setString(2, Long.toString(next));
          ps.execute();
        }
        c.commit();
        return OptionalLong.of(next);
      } catch (SQLException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // broken connection: the pool discards it
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot save the learned state: " + e.getMessage(), e);
    }
  }
}
