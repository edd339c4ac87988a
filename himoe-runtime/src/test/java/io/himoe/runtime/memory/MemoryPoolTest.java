package io.himoe.runtime.memory;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A deadlock fails the test instead of hanging the build.
@Timeout(60)
class MemoryPoolTest {

  @Test
  void leasesAreAccountedExactlyAndReleasedOnce() throws Exception {
    MemoryPool p = new MemoryPool("activations", 1000);
    var a = p.acquire(300, Duration.ZERO);
    var b = p.acquire(700, Duration.ZERO);
    assertThat(p.usedBytes()).isEqualTo(1000);
    assertThat(p.availableBytes()).isZero();
    assertThat(p.openLeases()).isEqualTo(2);
    assertThat(a.bytes() + b.bytes()).isEqualTo(1000);
    assertThat(p.tryAcquire(1)).isEmpty();
    a.close();
    a.close();
    assertThat(p.usedBytes()).isEqualTo(700);
    b.close();
    assertThat(p.usedBytes()).isZero();
    assertThat(p.openLeases()).isZero();
    assertThat(p.peakBytes()).isEqualTo(1000);
  }

  @Test
  void aRequestThatDoesNotFitTimesOutWithAClearError() throws Exception {
    MemoryPool p = new MemoryPool("kv-cache", 100);
    try (var _ = p.acquire(80, Duration.ZERO)) {
      assertThatThrownBy(() -> p.acquire(50, Duration.ofMillis(20)))
          .isInstanceOf(MemoryExhaustedException.class)
          .hasMessage(
              "memory exhausted: pool 'kv-cache' could not give 50 bytes within 20 ms "
                  + "(80 of 100 bytes in use)");
      assertThat(p.waiting()).isZero();
    }
    assertThatThrownBy(() -> p.acquire(101, Duration.ofDays(1)))
        .isInstanceOf(MemoryExhaustedException.class)
        .hasMessageContaining("cannot ever give 101 bytes, its capacity is 100 bytes")
        .satisfies(
            e -> assertThat(((MemoryExhaustedException) e).code()).isEqualTo("memory_exhausted"));
    assertThatThrownBy(() -> p.acquire(-1, Duration.ZERO)).hasMessageContaining(">= 0 bytes");
    assertThat(p.usedBytes()).isZero();
  }

  @Test
  void aWaiterIsServedWhenMemoryIsFreed() throws Exception {
    MemoryPool p = new MemoryPool("a", 100);
    var held = p.acquire(100, Duration.ZERO);
    CountDownLatch queued = new CountDownLatch(1);
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Long> f =
          exec.submit(
              () -> {
                queued.countDown();
                try (var l = p.acquire(60, Duration.ofMinutes(1))) {
                  return l.bytes();
                }
              });
      queued.await();
      while (p.waiting() == 0) {
        Thread.onSpinWait();
      }
      held.close();
      assertThat(f.get(1, TimeUnit.MINUTES)).isEqualTo(60);
    }
    assertThat(p.usedBytes()).isZero();
  }

  @Test
  void waitersAreServedInArrivalOrderSoBigRequestsAreNotStarved() throws Exception {
    MemoryPool p = new MemoryPool("a", 100);
    var held = p.acquire(90, Duration.ZERO);
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> big =
          exec.submit(
              () -> {
                try (var _ = p.acquire(100, Duration.ofMinutes(1))) {
                  order.add("big");
                }
                return null;
              });
      while (p.waiting() < 1) {
        Thread.onSpinWait();
      }
      // 10 bytes are free, but the small request arrived after the big one: it waits.
      Future<?> small =
          exec.submit(
              () -> {
                try (var _ = p.acquire(10, Duration.ofMinutes(1))) {
                  order.add("small");
                }
                return null;
              });
      while (p.waiting() < 2) {
        Thread.onSpinWait();
      }
      assertThat(p.tryAcquire(10)).isEmpty();
      held.close();
      big.get();
      small.get();
    }
    assertThat(order).containsExactly("big", "small");
  }

  @Test
  void growingALeaseCountsAgainstTheSamePool() throws Exception {
    MemoryPool p = new MemoryPool("kv-cache", 64);
    var lease = p.acquire(16, Duration.ZERO);
    lease.grow(16, Duration.ZERO);
    lease.grow(32, Duration.ZERO);
    assertThat(lease.bytes()).isEqualTo(64);
    assertThat(p.openLeases()).isEqualTo(1);
    assertThatThrownBy(() -> lease.grow(1, Duration.ofMillis(5)))
        .isInstanceOf(MemoryExhaustedException.class);
    assertThat(lease.bytes()).isEqualTo(64);
    lease.close();
    assertThat(p.usedBytes()).isZero();
    assertThat(p.openLeases()).isZero();
    assertThatThrownBy(() -> lease.grow(1, Duration.ZERO)).hasMessageContaining("closed");
  }

  @Test
  void interruptedWaiterHoldsNothing() throws Exception {
    MemoryPool p = new MemoryPool("a", 10);
    var held = p.acquire(10, Duration.ZERO);
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var _ = p.acquire(5, Duration.ofMinutes(1))) {
                    throw new AssertionError("should not be granted");
                  } catch (InterruptedException expected) {
                    // the point of the test
                  }
                });
    while (p.waiting() == 0) {
      Thread.onSpinWait();
    }
    t.interrupt();
    t.join();
    assertThat(p.waiting()).isZero();
    held.close();
    assertThat(p.usedBytes()).isZero();
  }

  @Test
  void concurrentLeasesNeverExceedTheBudgetAndNeverLeak() throws Exception {
    MemoryPool p = new MemoryPool("activations", 10_000);
    AtomicLong held = new AtomicLong();
    AtomicLong maxSeen = new AtomicLong();
    AtomicLong timeouts = new AtomicLong();
    AtomicLong growTimeouts = new AtomicLong();
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 64; t++) {
        long seed = t;
        fs.add(
            exec.submit(
                () -> {
                  SplittableRandom r = new SplittableRandom(seed);
                  for (int i = 0; i < 300; i++) {
                    long want = 1 + r.nextInt(3000);
                    try (var l = p.acquire(want, Duration.ofSeconds(30))) {
                      maxSeen.accumulateAndGet(held.addAndGet(l.bytes()), Math::max);
                      if (r.nextInt(4) == 0) {
                        long extra = r.nextInt(500);
                        try {
                          // Hold-and-wait: a short timeout breaks a cycle of growing leases.
                          l.grow(extra, Duration.ofMillis(20));
                          maxSeen.accumulateAndGet(held.addAndGet(extra), Math::max);
                        } catch (MemoryExhaustedException e) {
                          growTimeouts.incrementAndGet();
                        }
                      }
                      Thread.yield();
                      held.addAndGet(-l.bytes());
                    } catch (MemoryExhaustedException e) {
                      timeouts.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(2, TimeUnit.MINUTES);
      }
    }
    assertThat(maxSeen.get()).isLessThanOrEqualTo(10_000);
    assertThat(timeouts.get()).isZero();
    assertThat(p.usedBytes()).isZero();
    assertThat(p.openLeases()).isZero();
    assertThat(p.waiting()).isZero();
    assertThat(p.peakBytes()).isLessThanOrEqualTo(10_000);
    assertThat(p.grantedCount()).isGreaterThanOrEqualTo(64 * 300);
  }

  @Test
  void poolsAreBudgetedFromTheDevice() throws Exception {
    // 1 GiB heap, 20% used: 0.8 GiB available, a quarter for the pools.
    MemoryPools pools = MemoryPools.ofDefaults(status(0.5, false, 0.2, 0));
    long avail = (1L << 30) - (long) (0.2 * (1L << 30));
    long total = (long) (avail * 0.25);
    assertThat(pools.pool(MemoryPools.KV_CACHE).capacityBytes()).isEqualTo((long) (total * 0.5));
    assertThat(pools.pool(MemoryPools.ACTIVATIONS).capacityBytes())
        .isEqualTo((long) (total * 0.35));
    try (var _ = pools.acquire(MemoryPools.UNIFORMS, 1000, Duration.ZERO)) {
      assertThat(pools.usedBytes()).isEqualTo(1000);
      // Memory pressure rises: budgets shrink, the lease stays.
      pools.rebudget(status(0.5, false, 0.9, 0));
      assertThat(pools.pool(MemoryPools.KV_CACHE).capacityBytes()).isLessThan((long) (total * 0.5));
      assertThat(pools.usedBytes()).isEqualTo(1000);
    }
    assertThatThrownBy(() -> pools.pool("vram"))
        .hasMessage("unknown memory pool 'vram' (known: kv-cache, activations, uniforms)");
    MemoryPools fixed = MemoryPools.of(Map.of("x", 10L));
    assertThat(fixed.pool("x").capacityBytes()).isEqualTo(10);
    fixed.rebudget(status(0.5, false, 0.9, 0));
    assertThat(fixed.pool("x").capacityBytes()).isEqualTo(10);
    assertThatThrownBy(() -> MemoryPools.fromDevice(status(1, true, 0, 0), 0, Map.of("x", 1.0)))
        .hasMessageContaining("fraction");
  }
}
