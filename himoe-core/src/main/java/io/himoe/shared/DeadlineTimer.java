package io.himoe.shared;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer that aborts calls at their deadline (a streaming call on the request's thread, an
 * LLM call's guard), shared so that scheduling a deadline does not wake a thread.
 *
 * <p>Almost every deadline is cancelled long before it fires (the call ends first), and a timer
 * thread is woken only when a new task becomes the earliest in its queue. With a queue that empties
 * between calls (at low load, and a cancelled task leaves the queue at once), every call's deadline
 * was the earliest task and woke the timer thread (a platform thread: a futex wake-up and a core
 * taken from the request) just before the upstream call; with two timers, twice. Here a no-op tick
 * runs every {@link #TICK_MS} ms, so the queue's head is never further away than that: a deadline
 * later than the next tick (a request's deadline is seconds away) joins the queue without a
 * wake-up, and the thread wakes once per tick instead of once per call. Deadlines still fire at
 * their own time, not at a tick.
 */
public final class DeadlineTimer {

  /** How often the idle tick runs, in ms: deadlines further away than this wake nobody. */
  public static final long TICK_MS = 1000;

  private static final ScheduledThreadPoolExecutor TIMER = start();

  private DeadlineTimer() {}

  /**
   * Runs {@code action} after {@code delayNanos}, on the timer's thread (it must be quick and must
   * not block).
   *
   * @param action what to do at the deadline
   * @param delayNanos the delay, in ns (zero or less: at once)
   * @return the task; cancel it with {@code cancel(false)} when the call ends first (it then leaves
   *     the queue at once)
   */
  public static ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
    return TIMER.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
  }

  private static ScheduledThreadPoolExecutor start() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "himoe-deadlines");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    t.scheduleAtFixedRate(() -> {}, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    return t;
  }
}
