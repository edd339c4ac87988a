package io.himoe.server.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * The meters of one family, registered once per set of tag values and then reused: a Micrometer
 * builder's {@code register} builds the meter id, sorts its tags and runs the registry's filters on
 * every call, which several times per request was a visible share of a chat's CPU. The registry's
 * filters are configured before any request (ServerMetrics), so a cached meter never goes stale.
 *
 * @param <M> the meter type
 */
final class Meters<M> {

  private final ConcurrentMap<List<String>, M> byTags = new ConcurrentHashMap<>();
  private final Function<List<String>, M> register;

  /**
   * @param register registers the family's meter for tag values given in a fixed order
   */
  Meters(Function<List<String>, M> register) {
    this.register = register;
  }

  /**
   * @param tagValues the tag values, in the order {@code register} reads them
   * @return the meter, registered on first use
   */
  M get(String... tagValues) {
    List<String> key = List.of(tagValues);
    M m = byTags.get(key);
    return m != null ? m : byTags.computeIfAbsent(key, register);
  }
}
