package io.himoe.server.loop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** {@link Assignments} in a bounded, access-ordered map. */
final class InMemoryAssignments implements Assignments {

  private final Map<String, String> arms;

  InMemoryAssignments(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("assignment capacity must be >= 1, got " + capacity);
    }
    this.arms =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> e) {
            return size() > capacity;
          }
        };
  }

  @Override
  public synchronized String assign(String experiment, String unit, Supplier<String> chooser) {
    return arms.computeIfAbsent(experiment + "\u0000" + unit, k -> chooser.get());
  }
}
