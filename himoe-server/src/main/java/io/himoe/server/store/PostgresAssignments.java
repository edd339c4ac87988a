package io.himoe.server.store;

import io.himoe.server.loop.Assignments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A/B assignments in PostgreSQL, shared by every replica: the first replica to assign a unit wins
 * ({@code INSERT ... ON CONFLICT DO NOTHING RETURNING arm}); one that loses the race reads the
 * winner's arm, so two replicas assigning the same unit at once both answer the same arm.
 * Assignments are also kept in this process ({@code local}): while the database is down a unit seen
 * for the first time is assigned by the experiment's hash, which gives every replica the same arm
 * as long as the experiment's weights have not changed.
 */
final class PostgresAssignments implements Assignments {

  private final DatabaseGuard guard;
  private final Assignments local;
  private final String replicaId;
  private final InstantSource clock;

  PostgresAssignments(
      DatabaseGuard guard, Assignments local, String replicaId, InstantSource clock) {
    this.guard = guard;
    this.local = local;
    this.replicaId = replicaId;
    this.clock = clock;
  }

  @Override
  public String assign(String experiment, String unit, Supplier<String> chooser) {
    Optional<String> shared =
        guard.call(c -> Optional.of(assign(c, experiment, unit, chooser)), Optional::empty);
    if (shared.isEmpty()) {
      return local.assign(experiment, unit, chooser);
    }
    // Remembered here too, for when the database is down later.
    local.assign(experiment, unit, shared::get);
    return shared.get();
  }

  private String assign(Connection c, String experiment, String unit, Supplier<String> chooser)
      throws SQLException {
    // Most calls are for a unit seen before: one read. A first assignment inserts; the loser of
    // a race reads again (a new statement sees the winner's committed row).
    Optional<String> known = find(c, experiment, unit);
    if (known.isPresent()) {
      return known.get();
    }
    String arm = chooser.get();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO ab_assignment(experiment, unit, arm, assigned_by, assigned_at_ms)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (experiment, unit) DO NOTHING"
                + " RETURNING arm")) {
      ps.setString(1, experiment);
      ps.setString(2, unit);
      ps.setString(3, arm);
      ps.setString(4, replicaId);
      ps.setLong(5, clock.millis());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return rs.getString(1);
        }
      }
    }
    return find(c, experiment, unit)
        .orElseThrow(
            () -> new SQLException("assignment of " + unit + " in " + experiment + " vanished"));
  }

  private static Optional<String> find(Connection c, String experiment, String unit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT arm FROM ab_assignment WHERE experiment = ? AND unit = ?")) {
      ps.setString(1, experiment);
      ps.setString(2, unit);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }
}
