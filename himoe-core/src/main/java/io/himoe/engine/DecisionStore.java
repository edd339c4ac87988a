package io.himoe.engine;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The decisions feedback may still arrive for, by trace id: bounded in count, in estimated bytes
 * ({@link Decision#bytes()}) and in age, the least recently used evicted first. The byte bound is
 * what keeps the heap flat: a count alone lets large inputs (up to the body limit each) or wide
 * encoder vectors take gigabytes. Time comes from the engine's clock.
 *
 * <p>A plain access-ordered map rather than a frequency-based cache: decisions are read once or
 * twice, soon after they are made, so recency is the right policy and admission by frequency (as in
 * Caffeine's W-TinyLFU) would turn away the newest decisions, the ones feedback is coming for.
 */
final class DecisionStore {

  // The time is a primitive, not an Instant: an object less per kept decision for young
  // collections to copy (docs/BENCHMARKS.md section 14.1, session 8).
  private record Entry(Decision decision, long storedAtMillis, long bytes) {}

  private final int maxCount;
  private final long maxBytes;
  private final long ttlMillis;
  private final InstantSource clock;
  private final LinkedHashMap<String, Entry> map = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  DecisionStore(int maxCount, long maxBytes, Duration ttl, InstantSource clock) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    // Rounded up to whole milliseconds: a decision never lives shorter than asked.
    this.ttlMillis = Math.max(1, ttl.plusNanos(999_999).toMillis());
    this.clock = clock;
  }

  /**
   * Stores a decision, evicting the least recently used ones while over a bound. A decision larger
   * than the whole byte bound on its own is not kept.
   *
   * @return whether it was kept
   */
  synchronized boolean put(String traceId, Decision d) {
    long size = d.bytes();
    long now = clock.millis();
    Entry old = map.remove(traceId);
    if (old != null) {
      bytes -= old.bytes();
    }
    if (size > maxBytes) {
      return false;
    }
    map.put(traceId, new Entry(d, now, size));
    bytes += size;
    Iterator<Entry> it = map.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      boolean over = map.size() > maxCount || bytes > maxBytes;
      if (!over && !expired(e, now)) {
        break;
      }
      it.remove();
      bytes -= e.bytes();
    }
    return true;
  }

  synchronized Optional<Decision> get(String traceId) {
    Entry e = map.get(traceId);
    if (e == null) {
      return Optional.empty();
    }
    if (expired(e, clock.millis())) {
      map.remove(traceId);
      bytes -= e.bytes();
      return Optional.empty();
    }
    return Optional.of(e.decision());
  }

  /**
   * @return the estimated bytes of the decisions kept
   */
  synchronized long bytes() {
    return bytes;
  }

  /**
   * @return the number of decisions kept (expired ones not yet evicted included)
   */
  synchronized int size() {
    return map.size();
  }

  private boolean expired(Entry e, long now) {
    return now - e.storedAtMillis() >= ttlMillis;
  }
}
