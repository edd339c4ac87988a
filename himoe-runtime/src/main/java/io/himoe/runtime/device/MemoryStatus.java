package io.himoe.runtime.device;

import java.util.OptionalLong;

/**
 * Memory pressure: the JVM heap and, where the process runs in a memory-limited cgroup, that
 * cgroup's limit and usage. All values in bytes.
 *
 * @param heapUsedBytes heap in use
 * @param heapMaxBytes the heap's maximum size ({@code -Xmx})
 * @param cgroupLimitBytes the cgroup's memory limit, empty when unlimited or absent
 * @param cgroupUsageBytes the cgroup's memory usage, empty when absent
 */
public record MemoryStatus(
    long heapUsedBytes,
    long heapMaxBytes,
    OptionalLong cgroupLimitBytes,
    OptionalLong cgroupUsageBytes) {

  /** Validates. */
  public MemoryStatus {
    if (heapMaxBytes <= 0) {
      throw new IllegalArgumentException("heapMaxBytes must be > 0, got " + heapMaxBytes);
    }
    if (heapUsedBytes < 0) {
      throw new IllegalArgumentException("heapUsedBytes must be >= 0, got " + heapUsedBytes);
    }
    if (cgroupLimitBytes.isPresent() && cgroupLimitBytes.getAsLong() <= 0) {
      throw new IllegalArgumentException(
          "cgroupLimitBytes must be > 0, got " + cgroupLimitBytes.getAsLong());
    }
  }

  /**
   * @param usedBytes heap in use
   * @param maxBytes heap maximum
   * @return a status with no cgroup limit
   */
  public static MemoryStatus ofHeap(long usedBytes, long maxBytes) {
    return new MemoryStatus(usedBytes, maxBytes, OptionalLong.empty(), OptionalLong.empty());
  }

  /**
   * @return the highest of the heap's and the cgroup's usage ratios, in [0, 1]
   */
  public double usageRatio() {
    double r = (double) heapUsedBytes / heapMaxBytes;
    if (cgroupLimitBytes.isPresent() && cgroupUsageBytes.isPresent()) {
      r = Math.max(r, (double) cgroupUsageBytes.getAsLong() / cgroupLimitBytes.getAsLong());
    }
    return Math.min(1.0, Math.max(0.0, r));
  }

  /**
   * @return the bytes still available: the smaller of free heap and free cgroup memory, &gt;= 0
   */
  public long availableBytes() {
    long free = heapMaxBytes - heapUsedBytes;
    if (cgroupLimitBytes.isPresent() && cgroupUsageBytes.isPresent()) {
      free = Math.min(free, cgroupLimitBytes.getAsLong() - cgroupUsageBytes.getAsLong());
    }
    return Math.max(0, free);
  }
}
