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
