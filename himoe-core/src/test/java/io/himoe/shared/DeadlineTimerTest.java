package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The shared deadline timer: a deadline fires at its own time, a cancelled one never. */
class DeadlineTimerTest {

  @Test
  void aDeadlineFiresNotBeforeItsTime() throws Exception {
    CompletableFuture<Long> fired = new CompletableFuture<>();
    long t0 = System.nanoTime();

    DeadlineTimer.schedule(() -> fired.complete(System.nanoTime()), 20_000_000L);

    long after = fired.get(5, TimeUnit.SECONDS) - t0;
    assertThat(after).isGreaterThanOrEqualTo(20_000_000L);
  }

  @Test
  void aDeadlineBeyondTheTickStillFires() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);

    DeadlineTimer.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(1200));

    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCancelledDeadlineNeverRuns() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    ScheduledFuture<?> task = DeadlineTimer.schedule(() -> ran.set(true), 30_000_000L);

    task.cancel(false);
    CountDownLatch later = new CountDownLatch(1);
    DeadlineTimer.schedule(later::countDown, 60_000_000L);

    assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).isFalse();
  }
}
