package io.himoe.runtime.memory;

import java.time.Duration;

/**
 * A pool could not give the bytes asked for within the wait: the caller should shed load, lower the
 * mode or retry later. Stable code: {@code memory_exhausted}.
 */
public final class MemoryExhaustedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String pool;
  private final long requestedBytes;

  MemoryExhaustedException(
      String pool, long requestedBytes, long usedBytes, long capacityBytes, Duration waited) {
    super(
        "memory exhausted: pool '"
            + pool
            + "' could not give "
            + requestedBytes
            + " bytes within "
            + waited.toMillis()
            + " ms ("
            + usedBytes
            + " of "
            + capacityBytes
            + " bytes in use)");
    this.pool = pool;
    this.requestedBytes = requestedBytes;
  }

  MemoryExhaustedException(String pool, long requestedBytes, long capacityBytes) {
    super(
        "memory exhausted: pool '"
            + pool
            + "' cannot ever give "
            + requestedBytes
            + " bytes, its capacity is "
            + capacityBytes
            + " bytes");
    this.pool = pool;
    this.requestedBytes = requestedBytes;
  }

  /**
   * @return {@code memory_exhausted}
   */
  public String code() {
    return "memory_exhausted";
  }

  /**
   * @return the pool's name
   */
  public String pool() {
    return pool;
  }

  /**
   * @return the bytes that were asked for
   */
  public long requestedBytes() {
    return requestedBytes;
  }
}
