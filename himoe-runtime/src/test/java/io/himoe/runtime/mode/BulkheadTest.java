package io.himoe.runtime.mode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BulkheadTest {

  @Test
  void neverMoreThanTheLimitInFlight() throws Exception {
    Bulkhead b = new Bulkhead("expert", 3);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        fs.add(
            exec.submit(
                () -> {
                  try (var _ = b.acquire(Duration.ofSeconds(30))) {
                    peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                    Thread.yield();
                    now.decrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    assertThat(peak.get()).isBetween(1, 3);
    assertThat(b.inFlight()).isZero();
  }

  @Test
  void fullBulkheadFailsAfterTheWaitWithAClearMessage() throws Exception {
    Bulkhead b = new Bulkhead("gen", 1);
    try (var _ = b.acquire(Duration.ZERO)) {
      assertThatThrownBy(() -> b.acquire(Duration.ofMillis(20)))
          .isInstanceOf(Bulkhead.BulkheadFullException.class)
          .hasMessageContaining("bulkhead 'gen' full: 1 concurrent calls allowed");
    }
    assertThat(b.inFlight()).isZero();
  }

  @Test
  void raisingTheLimitAdmitsAWaiter() throws Exception {
    Bulkhead b = new Bulkhead("x", 1);
    var held = b.acquire(Duration.ZERO);
    CountDownLatch admitted = new CountDownLatch(1);
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var _ = b.acquire(Duration.ofSeconds(30))) {
                    admitted.countDown();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    b.resize(2);
    admitted.await();
    waiter.join();
    held.close();
    held.close();
    assertThat(b.inFlight()).isZero();
    assertThat(b.limit()).isEqualTo(2);
  }

  @Test
  void loweringTheLimitLetsRunningCallsFinish() throws Exception {
    Bulkhead b = new Bulkhead("y", 4);
    var a = b.acquire(Duration.ZERO);
    var c = b.acquire(Duration.ZERO);
    b.resize(1);
    assertThat(b.inFlight()).isEqualTo(2);
    assertThatThrownBy(() -> b.acquire(Duration.ZERO))
        .isInstanceOf(Bulkhead.BulkheadFullException.class);
    a.close();
    assertThatThrownBy(() -> b.acquire(Duration.ZERO))
        .isInstanceOf(Bulkhead.BulkheadFullException.class);
    c.close();
    b.acquire(Duration.ZERO).close();
    assertThatThrownBy(() -> b.resize(0)).hasMessageContaining("limit must be >= 1");
  }
}
