package io.himoe.server.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one family, registered once per set of tag values and then reused: a Micrometer
 * builder's {@code register} builds the meter id, sorts its tags and runs the registry's filters on
 * every call, which several times per request was a visible share of a chat's CPU. The registry's
 * filters are configured before any request (ServerMetrics), so a cached meter never goes stale.
 * Families of none, one or two tags (all of the server's) are looked up by their tag values
 * themselves, without a list of them made and hashed per call.
 *
 * @param <M> the meter type
 */
final class Meters<M> {

  private final ConcurrentMap<String, M> byOne = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ConcurrentMap<String, M>> byTwo = new ConcurrentHashMap<>();
  private final ConcurrentMap<List<String>, M> byTags = new ConcurrentHashMap<>();
  private final Function<List<String>, M> register;
  private volatile @Nullable M untagged;

  /**
   * @param register registers the family's meter for tag values given in a fixed order
   */
  Meters(Function<List<String>, M> register) {
    this.register = register;
  }

  /**
   * @return the family's meter without tags, registered on first use
   */
  M get() {
    M m = untagged;
    if (m == null) {
      m = byTags.computeIfAbsent(List.of(), register);
      untagged = m;
    }
    return m;
  }

  /**
   * @param value the family's one tag value
   * @return the meter, registered on first use
   */
  M get(String value) {
    M m = byOne.get(value);
    return m != null ? m : byOne.computeIfAbsent(value, v -> byTags(List.of(v)));
  }

  /**
   * @param first the first tag value, in the order {@code register} reads them
   * @param second the second
   * @return the meter, registered on first use
   */
  M get(String first, String second) {
    ConcurrentMap<String, M> inner = byTwo.get(first);
    if (inner == null) {
      inner = byTwo.computeIfAbsent(first, f -> new ConcurrentHashMap<>());
    }
    M m = inner.get(second);
    return m != null ? m : inner.computeIfAbsent(second, s -> byTags(List.of(first, s)));
  }

  /**
   * @param tagValues the tag values, in the order {@code register} reads them
   * @return the meter, registered on first use
   */
  M get(String... tagValues) {
    return byTags(List.of(tagValues));
  }

  private M byTags(List<String> key) {
    M m = byTags.get(key);
    return m != null ? m : byTags.computeIfAbsent(key, register);
  }
}
