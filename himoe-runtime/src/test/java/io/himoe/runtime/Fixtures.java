package io.himoe.runtime;

import io.himoe.runtime.device.Battery;
import io.himoe.runtime.device.CpuStatus;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.device.MemoryStatus;
import java.time.Instant;

/** Device statuses for tests. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * @param battery battery level, or a negative value for unknown
   * @param charging on external power
   * @param memoryUsage heap usage ratio
   * @param loadPerCpu load per processor (4 processors)
   * @return the status
   */
  public static DeviceStatus status(
      double battery, boolean charging, double memoryUsage, double loadPerCpu) {
    Battery b = battery < 0 ? Battery.unknown("test") : Battery.of(battery, charging);
    long max = 1L << 30;
    return new DeviceStatus(
        b,
        MemoryStatus.ofHeap((long) (memoryUsage * max), max),
        CpuStatus.of(loadPerCpu * 4, 4),
        Instant.parse("2026-01-01T00:00:00Z"));
  }
}
