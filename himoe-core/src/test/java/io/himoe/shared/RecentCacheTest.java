package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RecentCacheTest {

  private final MutableClock clock = new MutableClock();

  @Test
  void keepsTheMostRecentlyStoredEntriesInInsertionOrder() {
    RecentCache<String, Integer> cache = new RecentCache<>(3, Duration.ofSeconds(10), clock);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    assertThat(cache.get("a")).contains(1); // reading does not keep an entry longer
    cache.put("d", 4); // evicts a, the oldest stored
    assertThat(cache.get("a")).isEmpty();
    assertThat(List.of(cache.get("b"), cache.get("c"), cache.get("d")))
        .extracting(o -> o.orElseThrow())
        .containsExactly(2, 3, 4);
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  void aReplacedValueIsNotEvictedWithTheOldValuesSlot() {
    RecentCache<String, Integer> cache = new RecentCache<>(3, Duration.ofSeconds(10), clock);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("a", 10); // a's first slot still holds the old node
    cache.put("c", 3); // reuses a's first slot: must not remove a's new value
    assertThat(cache.get("a")).contains(10);
    cache.put("d", 4); // reuses b's slot
    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.get("a")).contains(10);
    cache.put("e", 5); // reuses a's second slot: now a goes
    assertThat(cache.get("a")).isEmpty();
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  void getOrPutKeepsTheLiveValueAndReplacesAnExpiredOne() {
    RecentCache<String, Integer> cache = new RecentCache<>(2, Duration.ofSeconds(10), clock);
    assertThat(cache.getOrPut("a", () -> 1)).isEqualTo(1);
    assertThat(cache.getOrPut("a", () -> 2)).isEqualTo(1);
    clock.advance(Duration.ofMillis(9_999));
    assertThat(cache.get("a")).contains(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.get("a")).isEmpty(); // expired at exactly its TTL
    assertThat(cache.getOrPut("a", () -> 4)).isEqualTo(4);
    cache.put("b", 5);
    clock.advance(Duration.ofSeconds(10));
    assertThat(cache.getOrPut("a", () -> 6)).isEqualTo(6); // replaces the expired node in the map
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new RecentCache<String, Integer>(0, Duration.ofSeconds(1), clock))
        .hasMessageContaining("capacity");
    assertThatThrownBy(() -> new RecentCache<String, Integer>(1, Duration.ZERO, clock))
        .hasMessageContaining("ttl");
    RecentCache<String, Integer> cache = new RecentCache<>(1, Duration.ofSeconds(1), clock);
    assertThatThrownBy(() -> cache.put("a", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.getOrPut("a", () -> null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void concurrentGetOrPutOfOneKeyGivesEveryThreadTheSameValue() throws Exception {
    int threads = 8;
    int keys = 5_000;
    RecentCache<String, Object> cache = new RecentCache<>(keys, Duration.ofHours(1), clock);
    List<List<Object>> seen =
        run(
            threads,
            id -> {
              List<Object> got = new ArrayList<>(keys);
              for (int k = 0; k < keys; k++) {
                got.add(cache.getOrPut("k" + k, Object::new));
              }
              return got;
            });
    for (int k = 0; k < keys; k++) {
      Object first = seen.getFirst().get(k);
      for (List<Object> s : seen) {
        assertThat(s.get(k)).isSameAs(first);
      }
      assertThat(cache.get("k" + k)).containsSame(first);
    }
  }

  @Test
  void concurrentWritersKeepTheBound() throws Exception {
    int capacity = 1_000;
    RecentCache<String, Integer> cache = new RecentCache<>(capacity, Duration.ofHours(1), clock);
    run(
        8,
        id -> {
          for (int i = 0; i < 20_000; i++) {
            cache.put(id + "-" + i, i);
          }
          return List.of();
        });
    assertThat(cache.size()).isEqualTo(capacity);
    int found = 0;
    for (int id = 0; id < 8; id++) {
      for (int i = 0; i < 20_000; i++) {
        int value = i;
        found += cache.get(id + "-" + i).map(v -> v == value ? 1 : -1_000_000).orElse(0);
      }
    }
    assertThat(found).isEqualTo(capacity); // every kept key maps to its own value
  }

  private static <T> List<List<T>> run(int threads, ThrowingTask<T> task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<T>>> futures = new ArrayList<>();
    List<List<T>> out = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.run(id);
                }));
      }
      start.countDown();
      for (Future<List<T>> f : futures) {
        out.add(f.get());
      }
    }
    return out;
  }

  private interface ThrowingTask<T> {
    List<T> run(int id) throws Exception;
  }
}
