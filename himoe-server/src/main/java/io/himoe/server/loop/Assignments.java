package io.himoe.server.loop;

import java.util.function.Supplier;

/**
 * Where A/B assignments are kept, so that a unit (a session, a user) stays in its arm even when the
 * experiment's weights change later (stop, promote, a ramp-up). Implementations must be thread-safe
 * and let the first writer win: two replicas assigning the same unit at once must both return the
 * same arm. The embedded implementation is {@link #inMemory}; a shared one (PostgreSQL, {@code
 * INSERT ... ON CONFLICT DO NOTHING RETURNING}) makes assignments sticky across replicas.
 */
public interface Assignments {

  /**
   * @param experiment the experiment's name
   * @param unit the unit's id
   * @param chooser picks the arm (a router id) of a unit seen for the first time
   * @return the unit's arm: the stored one, or the chooser's, now stored
   */
  String assign(String experiment, String unit, Supplier<String> chooser);

  /**
   * Assignments kept in this process, the least recently used forgotten beyond {@code capacity} (a
   * forgotten unit is assigned again by the same hash, so it keeps its arm unless the weights
   * changed meanwhile).
   *
   * @param capacity units kept, &gt;= 1
   * @return the store
   */
  static Assignments inMemory(int capacity) {
    return new InMemoryAssignments(capacity);
  }
}
