package io.himoe.runtime.mode;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current mode, its recent changes and the listeners told of each change. Thread-safe; a change
 * is recorded and announced once even when threads race to the same mode. A listener that throws
 * does not stop the others nor the request that caused the change: its failure is logged and
 * counted ({@link #listenerFailures()}).
 */
public final class ModeTracker {

  private static final Logger LOG = LoggerFactory.getLogger(ModeTracker.class);

  private final InstantSource clock;
  private final int historySize;
  private final List<ModeListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayDeque<ModeChange> history = new ArrayDeque<>();
  private final AtomicLong listenerFailures = new AtomicLong();
  private volatile PerformanceMode current;

  /**
   * @param initial the starting mode
   * @param clock stamps changes
   * @param historySize how many changes to keep, &gt;= 1
   */
  public ModeTracker(PerformanceMode initial, InstantSource clock, int historySize) {
    this.current = Objects.requireNonNull(initial, "initial");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (historySize < 1) {
      throw new IllegalArgumentException("historySize must be >= 1, got " + historySize);
    }
    this.historySize = historySize;
  }

  /**
   * @return the current mode
   */
  public PerformanceMode current() {
    return current;
  }

  /**
   * Moves to a mode; records and announces the change if it is one.
   *
   * @param to the new mode
   * @param reason why
   * @return the change, or {@code null} when the mode was already {@code to}
   */
  public @Nullable ModeChange switchTo(PerformanceMode to, String reason) {
    Objects.requireNonNull(to, "to");
    ModeChange change;
    synchronized (this) {
      PerformanceMode from = current;
      if (from == to) {
        return null;
      }
      current = to;
      change = new ModeChange(from, to, reason, clock.instant());
      if (history.size() == historySize) {
        history.removeFirst();
      }
      history.addLast(change);
    }
    for (ModeListener l : listeners) {
      try {
        l.onModeChange(change);
      } catch (RuntimeException e) {
        // A faulty listener must not break the request that caused the change, nor go unseen.
        listenerFailures.incrementAndGet();
        LOG.warn("mode listener {} failed on {}", l.getClass().getName(), change, e);
      }
    }
    return change;
  }

  /**
   * @param listener told of every later change
   * @return a handle that removes the listener when run
   */
  public Runnable onModeChange(ModeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return () -> listeners.remove(listener);
  }

  /**
   * @return listeners registered now (an expert removed at run time takes its listener with it)
   */
  public int listenerCount() {
    return listeners.size();
  }

  /**
   * @return how many times a listener threw on a change, since this tracker was made
   */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  /**
   * @return the recent changes, oldest first
   */
  public synchronized List<ModeChange> history() {
    return List.copyOf(history);
  }
}
