package io.himoe.server.limits;

/**
 * Counters in fixed time windows, by name: what per-key limits count (requests, tokens, cost). An
 * implementation shared by several replicas (a database) makes the limits hold across them; {@link
 * #inMemory()} counts on this node.
 */
public interface LimitStore {

  /**
   * Adds to a counter.
   *
   * @param name the counter, e.g. {@code team-a/requests}
   * @param windowStartMs the start of the window it counts in (epoch ms)
   * @param windowMs the window's length in ms (counters of ended windows may be forgotten)
   * @param amount what to add (requests, tokens or cost units)
   * @return the counter's value after the addition
   */
  double add(String name, long windowStartMs, long windowMs, double amount);

  /**
   * Adds to a counter only if it stays within a cap, atomically: concurrent reservations (on every
   * replica sharing the store) never take the counter past the cap together, and a refused one
   * leaves no trace (no addition given back later that another request could see meanwhile).
   *
   * @param name the counter, e.g. {@code team-a/tokens}
   * @param windowStartMs the start of the window it counts in (epoch ms)
   * @param windowMs the window's length in ms
   * @param amount what to add, &gt; 0
   * @param cap the most the counter may reach
   * @return whether it was added, and the counter's value after (or, when refused, its value)
   */
  Reservation reserve(String name, long windowStartMs, long windowMs, double amount, double cap);

  /**
   * The outcome of {@link #reserve}.
   *
   * @param taken whether the amount was added
   * @param total the counter's value after the addition, or its value when refused
   */
  record Reservation(boolean taken, double total) {}

  /**
   * @param name the counter
   * @param windowStartMs the start of its window (epoch ms)
   * @return its value, 0 when nothing was counted
   */
  double get(String name, long windowStartMs);

  /**
   * @return counters kept in this process's memory
   */
  static LimitStore inMemory() {
    return new InMemoryLimitStore();
  }
}
