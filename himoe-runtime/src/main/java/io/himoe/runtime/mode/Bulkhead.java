package io.himoe.runtime.mode;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A concurrency limit whose size can change while calls are in flight (the mode's {@code
 * maxConcurrency}): lowering it lets running calls finish and admits new ones only below the new
 * limit; raising it admits waiters at once. Waiters are admitted in arrival order.
 */
public final class Bulkhead {

  private final String name;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition changed = lock.newCondition();
  private int limit;
  private int inFlight;

  /**
   * @param name what it guards, for error messages
   * @param limit concurrent permits, &gt;= 1
   */
  public Bulkhead(String name, int limit) {
    this.name = name;
    checkLimit(limit);
    this.limit = limit;
  }

  private static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("bulkhead limit must be >= 1, got " + limit);
    }
  }

  /**
   * Takes a permit, waiting at most {@code timeout}.
   *
   * @param timeout the longest wait
   * @return a permit to close when the call ends
   * @throws BulkheadFullException when no permit freed up in time
   * @throws InterruptedException if interrupted while waiting
   */
  public Permit acquire(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      while (inFlight >= limit) {
        if (nanos <= 0) {
          throw new BulkheadFullException(name, limit, timeout);
        }
        nanos = changed.awaitNanos(nanos);
      }
      inFlight++;
    } finally {
      lock.unlock();
    }
    return new Permit();
  }

  /**
   * @param newLimit the new number of permits, &gt;= 1
   */
  public void resize(int newLimit) {
    checkLimit(newLimit);
    lock.lock();
    try {
      limit = newLimit;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the current limit
   */
  public int limit() {
    lock.lock();
    try {
      return limit;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return calls holding a permit now
   */
  public int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  private void release() {
    lock.lock();
    try {
      inFlight--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A held permit; closing it twice releases once. */
  public final class Permit implements AutoCloseable {
    private boolean closed;

    private Permit() {}

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release();
    }
  }

  /** No permit freed up within the wait. */
  public static final class BulkheadFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BulkheadFullException(String name, int limit, Duration waited) {
      super(
          "bulkhead '"
              + name
              + "' full: "
              + limit
              + " concurrent calls allowed, none freed in "
              + waited.toMillis()
              + " ms");
    }
  }
}
