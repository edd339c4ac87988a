package io.himoe.server.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters in a concurrent map; a counter is dropped when a later window of the same name starts,
 * so memory holds one window per counter. Each window's total is changed under its own lock, so a
 * reservation's check and addition are one step.
 */
final class InMemoryLimitStore implements LimitStore {

  private static final class Window {
    final long start;
    private double total;

    Window(long start) {
      this.start = start;
    }

    synchronized double add(double amount) {
      total += amount;
      return total;
    }

    synchronized Reservation reserve(double amount, double cap) {
      if (total + amount > cap) {
        return new Reservation(false, total);
      }
      total += amount;
      return new Reservation(true, total);
    }

    synchronized double total() {
      return total;
    }
  }

  private final Map<String, Window> counters = new ConcurrentHashMap<>();

  private Window window(String name, long windowStartMs) {
    return counters.compute(
        name,
        (k, old) -> old == null || old.start < windowStartMs ? new Window(windowStartMs) : old);
  }

  @Override
  public double add(String name, long windowStartMs, long windowMs, double amount) {
    Window w = window(name, windowStartMs);
    if (w.start != windowStartMs) {
      // A late addition for a window that already ended: nothing to count against.
      return 0;
    }
    return w.add(amount);
  }

  @Override
  public Reservation reserve(
      String name, long windowStartMs, long windowMs, double amount, double cap) {
    Window w = window(name, windowStartMs);
    if (w.start != windowStartMs) {
      // A window that already ended: nothing to count against, and nothing to hold.
      return new Reservation(true, 0);
    }
    return w.reserve(amount, cap);
  }

  @Override
  public double get(String name, long windowStartMs) {
    Window w = counters.get(name);
    return w == null || w.start != windowStartMs ? 0 : w.total();
  }
}
