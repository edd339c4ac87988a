package io.himoe.server.store;

import io.himoe.server.limits.LimitStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Per-key limit counters in PostgreSQL, shared by every replica. An addition is one atomic upsert
 * that returns the new total ({@code INSERT ... ON CONFLICT DO UPDATE SET total = total + n
 * RETURNING total}): concurrent requests on any replica each see a distinct running total, so a
 * requests-per-window limit admits exactly its limit however the requests are spread. Counters are
 * also kept in this process ({@code local}): while the database is down they answer, and each
 * replica then holds the limits on its own (at most replicas x limit in all, see docs/deploy.md).
 * Ended windows are deleted by {@link SharedStore}'s purge.
 */
final class PostgresLimitStore implements LimitStore {

  /**
   * Adds to a window's counter; {@link #add} returns the new total, {@link #reserve} adds a cap.
   */
  private static final String UPSERT =
      "INSERT INTO limit_counter(name, window_start, window_end, total)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (name, window_start)"
          + " DO UPDATE SET total = limit_counter.total + EXCLUDED.total";

  private final DatabaseGuard guard;
  private final LimitStore local;

  PostgresLimitStore(DatabaseGuard guard, LimitStore local) {
    this.guard = guard;
    this.local = local;
  }

  @Override
  public double add(String name, long windowStartMs, long windowMs, double amount) {
    double here = local.add(name, windowStartMs, windowMs, amount);
    return guard.call(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(UPSERT + " RETURNING total")) {
            ps.setString(1, name);
            ps.setLong(2, windowStartMs);
            ps.setLong(3, windowStartMs + windowMs);
            ps.setDouble(4, amount);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getDouble(1);
            }
          }
        },
        () -> here);
  }

  @Override
  public Reservation reserve(
      String name, long windowStartMs, long windowMs, double amount, double cap) {
    if (amount > cap) {
      // The insert of a new row below does not check the cap.
      return new Reservation(false, get(name, windowStartMs));
    }
    Optional<Reservation> r =
        guard.call(
            c -> {
              // One statement: the row's update runs only when the sum stays within the cap
              // (a new row needs amount <= cap, checked above), so a refused reservation
              // never shows in the counter.
              try (PreparedStatement ps =
                  c.prepareStatement(
                      UPSERT
                          + " WHERE limit_counter.total + EXCLUDED.total <= ?"
                          + " RETURNING total")) {
                ps.setString(1, name);
                ps.setLong(2, windowStartMs);
                ps.setLong(3, windowStartMs + windowMs);
                ps.setDouble(4, amount);
                ps.setDouble(5, cap);
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next()) {
                    return Optional.of(new Reservation(true, rs.getDouble(1)));
                  }
                }
              }
              return Optional.of(new Reservation(false, total(c, name, windowStartMs)));
            },
            Optional::empty);
    if (r.isEmpty()) {
      // The database is down: this replica holds the limit on its own.
      return local.reserve(name, windowStartMs, windowMs, amount, cap);
    }
    if (r.get().taken()) {
      local.add(name, windowStartMs, windowMs, amount);
    }
    return r.get();
  }

  @Override
  public double get(String name, long windowStartMs) {
    return guard.call(c -> total(c, name, windowStartMs), () -> local.get(name, windowStartMs));
  }

  private static double total(Connection c, String name, long windowStartMs) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT total FROM limit_counter WHERE name = ? AND window_start = ?")) {
      ps.setString(1, name);
      ps.setLong(2, windowStartMs);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getDouble(1) : 0.0;
      }
    }
  }
}
