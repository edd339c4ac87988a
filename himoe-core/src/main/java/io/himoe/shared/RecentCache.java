package io.himoe.shared;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A thread-safe map of the most recently stored entries: bounded in count (the oldest stored entry
 * is evicted first) and in age (entries older than the time-to-live are gone). For the server's
 * per-request stores — the trace log, the guardrail monitor's confidences — which every request
 * writes and few read: unlike {@link TtlLruCache} it takes no lock shared by all callers (a
 * concurrent map and a ring of the stored entries in insertion order), so concurrent requests do
 * not queue behind one monitor (docs/BENCHMARKS.md section 14.1, session 10). The order is
 * insertion, not use: reading an entry does not keep it longer. Time comes from an injected {@link
 * InstantSource}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class RecentCache<K, V> {

  // One object per entry: the key (to evict it from the map when its ring slot is reused), the
  // value and the time it was stored, as a primitive.
  private record Node<K, V>(K key, V value, long storedAtMillis) {}

  private final int capacity;
  private final long ttlMillis;
  private final InstantSource clock;
  private final ConcurrentHashMap<K, Node<K, V>> map;
  // Every node in the map is in the ring (or about to be put there by the thread that stored it);
  // a node leaves the map when the ring slot it occupies is reused.
  private final AtomicReferenceArray<Node<K, V>> ring;
  private final AtomicLong stored = new AtomicLong();

  /**
   * @param capacity the most entries kept, at least 1
   * @param ttl how long an entry lives, positive
   * @param clock the time source
   */
  public RecentCache(int capacity, Duration ttl, InstantSource clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttl);
    }
    this.capacity = capacity;
    // Rounded up to whole milliseconds: an entry never lives shorter than asked.
    this.ttlMillis = Math.max(1, ttl.plusNanos(999_999).toMillis());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.map = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
    this.ring = new AtomicReferenceArray<>(capacity);
  }

  /**
   * Stores a value, replacing the key's previous one; when full, the oldest stored entry goes.
   *
   * @param key the key
   * @param value the value
   */
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Node<K, V> node = new Node<>(key, value, clock.millis());
    map.put(key, node);
    enqueue(node);
  }

  /**
   * The live value of a key, or a new one stored under it (the oldest stored entry evicted when
   * full). When two threads race on a missing key, both may call {@code make} but one value wins
   * and both get it.
   *
   * @param key the key
   * @param make makes the value when there is no live one, not null
   * @return the live value or the new one
   */
  public V getOrPut(K key, Supplier<? extends V> make) {
    Objects.requireNonNull(key, "key");
    long now = clock.millis();
    Node<K, V> seen = map.get(key);
    while (true) {
      if (seen != null && !isExpired(seen, now)) {
        return seen.value();
      }
      Node<K, V> made = new Node<>(key, Objects.requireNonNull(make.get(), "value"), now);
      if (seen == null) {
        seen = map.putIfAbsent(key, made);
        if (seen == null) {
          enqueue(made);
          return made.value();
        }
      } else if (map.replace(key, seen, made)) {
        // The expired node stays in its ring slot; reusing that slot will not remove the new one.
        enqueue(made);
        return made.value();
      } else {
        seen = map.get(key);
      }
    }
  }

  /**
   * @param key the key
   * @return the live value
   */
  public Optional<V> get(K key) {
    Node<K, V> n = map.get(key);
    if (n == null) {
      return Optional.empty();
    }
    if (isExpired(n, clock.millis())) {
      map.remove(key, n);
      return Optional.empty();
    }
    return Optional.of(n.value());
  }

  /**
   * @return the number of live entries (counts them: for tests and reports, not the request path)
   */
  public int size() {
    long now = clock.millis();
    int live = 0;
    for (Node<K, V> n : map.values()) {
      live += isExpired(n, now) ? 0 : 1;
    }
    return live;
  }

  private void enqueue(Node<K, V> node) {
    int slot = (int) Long.remainderUnsigned(stored.getAndIncrement(), capacity);
    Node<K, V> evicted = ring.getAndSet(slot, node);
    if (evicted != null) {
      // Only if the key still maps to that very node: a newer value of the key has its own slot.
      map.remove(evicted.key(), evicted);
    }
  }

  private boolean isExpired(Node<K, V> n, long now) {
    return now - n.storedAtMillis() >= ttlMillis;
  }
}
