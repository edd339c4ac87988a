package io.himoe.server.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Counters in a concurrent map; a counter is dropped when a later window of the same name starts,
 * so memory holds one window per counter.
 */
final class InMemoryLimitStore implements LimitStore {

  private record Window(long start, DoubleAdder total) {}

  private final Map<String, Window> counters = new ConcurrentHashMap<>();

  @Override
  public double add(String name, long windowStartMs, long windowMs, double amount) {
    Window w =
        counters.compute(
            name,
            (k, old) ->
                old == null || old.start() < windowStartMs
                    ? new Window(windowStartMs, new DoubleAdder())
                    : old);
    if (w.start() != windowStartMs) {
      // A late addition for a window that already ended: nothing to count against.
      return 0;
    }
    w.total().add(amount);
    return w.total().sum();
  }

  @Override
  public double get(String name, long windowStartMs) {
    Window w = counters.get(name);
    return w == null || w.start() != windowStartMs ? 0 : w.total().sum();
  }
}
