package io.himoe.shared;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A thread-safe map bounded in size (least recently used evicted first) and in age (entries older
 * than the time-to-live are gone). Time comes from an injected {@link InstantSource}, so tests
 * advance it instead of sleeping. Used for the request memory (one small map per request) and for
 * stores of recent items read once or twice soon after (traces, pending feedback), where recency is
 * the right policy: a frequency-based cache such as Caffeine admits a new entry only if it was seen
 * more often than the one it would evict, so a stream of once-read items would keep the oldest and
 * turn away the newest. Caches proper (an expert's answers) use Caffeine, outside the core.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TtlLruCache<K, V> {

  // The time is a primitive, not an Instant: a server keeps thousands of entries that live about
  // as long as a young collection's period, and each object per entry is copied by the collector.
  private record Entry<V>(V value, long storedAtMillis) {}

  private final int maxSize;
  private final long ttlMillis;
  private final InstantSource clock;
  private final LinkedHashMap<K, Entry<V>> map;

  /**
   * @param maxSize the most entries kept, at least 1
   * @param ttl how long an entry lives, positive
   * @param clock the time source
   */
  public TtlLruCache(int maxSize, Duration ttl, InstantSource clock) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be >= 1, got " + maxSize);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttl);
    }
    this.maxSize = maxSize;
    // Rounded up to whole milliseconds: an entry never lives shorter than asked.
    this.ttlMillis = Math.max(1, ttl.plusNanos(999_999).toMillis());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.map = new LinkedHashMap<>(16, 0.75f, true);
  }

  /**
   * Stores a value, evicting the least recently used entry when full.
   *
   * @param key the key
   * @param value the value
   */
  public synchronized void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long now = clock.millis();
    map.put(key, new Entry<>(value, now));
    trim(now);
  }

  /**
   * The live value of a key, or a new one stored under it (evicting the least recently used entry
   * when full); either way the key becomes the most recently used.
   *
   * @param key the key
   * @param make makes the value when there is no live one, not null
   * @return the live value or the new one
   */
  public synchronized V getOrPut(K key, Supplier<? extends V> make) {
    Objects.requireNonNull(key, "key");
    long now = clock.millis();
    Entry<V> e = map.get(key);
    if (e != null && !isExpired(e, now)) {
      return e.value();
    }
    V value = Objects.requireNonNull(make.get(), "value");
    map.put(key, new Entry<>(value, now));
    trim(now);
    return value;
  }

  private void trim(long now) {
    expire(now);
    while (map.size() > maxSize) {
      Iterator<K> it = map.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  /**
   * @param key the key
   * @return the live value, marking it recently used
   */
  public synchronized Optional<V> get(K key) {
    Entry<V> e = map.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (isExpired(e, clock.millis())) {
      map.remove(key);
      return Optional.empty();
    }
    return Optional.of(e.value());
  }

  /**
   * @param key the key
   * @return the removed live value, if any
   */
  public synchronized Optional<V> remove(K key) {
    Entry<V> e = map.remove(key);
    return e == null || isExpired(e, clock.millis()) ? Optional.empty() : Optional.of(e.value());
  }

  /**
   * @return the number of live entries
   */
  public synchronized int size() {
    expire(clock.millis());
    return map.size();
  }

  /**
   * @return a snapshot of the live entries, least recently used first
   */
  public synchronized Map<K, V> snapshot() {
    long now = clock.millis();
    map.values().removeIf(e -> isExpired(e, now));
    LinkedHashMap<K, V> copy = new LinkedHashMap<>();
    map.forEach((k, e) -> copy.put(k, e.value()));
    return copy;
  }

  // Amortised O(1): drops expired entries from the least recently used end and stops at the first
  // live one. Expired entries further in are dropped when read or when they reach that end; the
  // size bound holds regardless.
  private void expire(long now) {
    Iterator<Entry<V>> it = map.values().iterator();
    while (it.hasNext()) {
      if (!isExpired(it.next(), now)) {
        return;
      }
      it.remove();
    }
  }

  private boolean isExpired(Entry<V> e, long now) {
    return now - e.storedAtMillis() >= ttlMillis;
  }
}
