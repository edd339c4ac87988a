package io.himoe.runtime.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named byte budget. {@link #acquire} returns a {@link Lease} for some bytes; closing the lease
 * gives them back. A request that does not fit queues behind earlier waiters (first come, first
 * served, so a large request is not starved by small ones) and fails with {@link
 * MemoryExhaustedException} when its timeout passes; a request larger than the whole capacity fails
 * at once. Accounting is exact: {@link #usedBytes()} is the sum of the open leases' bytes.
 * Thread-safe.
 */
public final class MemoryPool {

  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long capacity;
  private long used;
  private long peak;
  private int openLeases;
  private long granted;

  /**
   * @param name the pool's name (e.g. {@code activations})
   * @param capacityBytes its budget in bytes, &gt;= 0
   */
  public MemoryPool(String name, long capacityBytes) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("pool name is empty");
    }
    this.name = name;
    checkCapacity(name, capacityBytes);
    this.capacity = capacityBytes;
  }

  private static void checkCapacity(String name, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException(
          "pool '" + name + "' capacity must be >= 0 bytes, got " + bytes);
    }
  }

  /**
   * @return the pool's name
   */
  public String name() {
    return name;
  }

  /**
   * Takes {@code bytes}, waiting at most {@code timeout} for them to be free.
   *
   * @param bytes how many bytes, &gt;= 0
   * @param timeout the longest wait
   * @return the lease; close it to give the bytes back
   * @throws MemoryExhaustedException when the bytes did not free up in time, or never can
   * @throws InterruptedException if interrupted while waiting (nothing is held then)
   */
  public Lease acquire(long bytes, Duration timeout) throws InterruptedException {
    take(bytes, timeout, false);
    return new Lease(bytes);
  }

  /**
   * Takes {@code bytes} only if they are free now and nobody waits before us.
   *
   * @param bytes how many bytes, &gt;= 0
   * @return the lease, or empty
   */
  public Optional<Lease> tryAcquire(long bytes) {
    checkRequest(bytes);
    lock.lock();
    try {
      if (!queue.isEmpty() || used + bytes > capacity) {
        return Optional.empty();
      }
      grant(bytes);
    } finally {
      lock.unlock();
    }
    return Optional.of(new Lease(bytes));
  }

  private void checkRequest(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException(
          "pool '" + name + "' request must be >= 0 bytes, got " + bytes);
    }
  }

  // A lease that grows already holds memory that others may be waiting for: it goes to the front
  // of the queue, so holders finish (and release) first. Two holders growing into each other's
  // memory still wait on each other; their timeouts break that.
  private void take(long bytes, Duration timeout, boolean holder) throws InterruptedException {
    checkRequest(bytes);
    Objects.requireNonNull(timeout, "timeout");
    long nanos = Math.max(0, timeout.toNanos());
    lock.lockInterruptibly();
    try {
      if (bytes > capacity) {
        throw new MemoryExhaustedException(name, bytes, capacity);
      }
      if (queue.isEmpty() && used + bytes <= capacity) {
        grant(bytes);
        return;
      }
      Object me = new Object();
      if (holder) {
        queue.addFirst(me);
      } else {
        queue.addLast(me);
      }
      try {
        while (queue.peekFirst() != me || used + bytes > capacity) {
          if (bytes > capacity) {
            throw new MemoryExhaustedException(name, bytes, capacity);
          }
          if (nanos <= 0) {
            throw new MemoryExhaustedException(name, bytes, used, capacity, timeout);
          }
          nanos = changed.awaitNanos(nanos);
        }
        grant(bytes);
      } finally {
        queue.remove(me);
        // The next waiter may now be at the head and fit.
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void grant(long bytes) {
    used += bytes;
    peak = Math.max(peak, used);
    openLeases++;
    granted++;
  }

  private void give(long bytes, boolean closesLease) {
    lock.lock();
    try {
      used -= bytes;
      if (closesLease) {
        openLeases--;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Changes the budget (e.g. after a new device reading). Shrinking below what is in use takes
   * nothing back: new requests wait until enough leases close.
   *
   * @param capacityBytes the new budget, &gt;= 0
   */
  public void resize(long capacityBytes) {
    checkCapacity(name, capacityBytes);
    lock.lock();
    try {
      capacity = capacityBytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the budget in bytes
   */
  public long capacityBytes() {
    lock.lock();
    try {
      return capacity;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return bytes held by open leases
   */
  public long usedBytes() {
    lock.lock();
    try {
      return used;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the budget minus what is in use, &gt;= 0
   */
  public long availableBytes() {
    lock.lock();
    try {
      return Math.max(0, capacity - used);
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the most bytes ever in use at once
   */
  public long peakBytes() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return leases not yet closed
   */
  public int openLeases() {
    lock.lock();
    try {
      return openLeases;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return requests waiting for memory now
   */
  public int waiting() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return leases granted since creation (including grows)
   */
  public long grantedCount() {
    lock.lock();
    try {
      return granted;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "MemoryPool[" + name + " " + usedBytes() + "/" + capacityBytes() + " bytes]";
  }

  /**
   * Bytes held from a pool until {@link #close()}. A lease can {@link #grow} (a KV cache that gains
   * a token). Closing twice gives back once.
   */
  public final class Lease implements AutoCloseable {
    private long bytes;
    private boolean closed;

    private Lease(long bytes) {
      this.bytes = bytes;
    }

    /**
     * Adds bytes to this lease, waiting like {@link MemoryPool#acquire} but ahead of requests that
     * hold nothing yet. Hold-and-wait can still deadlock two growing leases: keep the timeout
     * short.
     *
     * @param extra bytes to add, &gt;= 0
     * @param timeout the longest wait
     * @throws MemoryExhaustedException when they did not free up in time
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the lease is closed
     */
    public void grow(long extra, Duration timeout) throws InterruptedException {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("lease on pool '" + name + "' is closed");
        }
      }
      take(extra, timeout, true);
      boolean late;
      synchronized (this) {
        late = closed;
        if (!late) {
          bytes += extra;
        }
      }
      lock.lock();
      try {
        // take() counted a new lease; this is the same one growing.
        openLeases--;
      } finally {
        lock.unlock();
      }
      if (late) {
        give(extra, false);
        throw new IllegalStateException("lease on pool '" + name + "' was closed while growing");
      }
    }

    /**
     * @return the bytes held
     */
    public synchronized long bytes() {
      return bytes;
    }

    /**
     * @return the pool's name
     */
    public String pool() {
      return name;
    }

    @Override
    public void close() {
      long b;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        b = bytes;
      }
      give(b, true);
    }
  }
}
