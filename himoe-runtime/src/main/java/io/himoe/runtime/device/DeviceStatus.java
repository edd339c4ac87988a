package io.himoe.runtime.device;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of the device.
 *
 * @param battery the battery, or unknown
 * @param memory heap and cgroup memory
 * @param cpu load and processors
 * @param readAt when it was read
 */
public record DeviceStatus(Battery battery, MemoryStatus memory, CpuStatus cpu, Instant readAt) {
  /** Validates. */
  public DeviceStatus {
    Objects.requireNonNull(battery, "battery");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(readAt, "readAt");
  }

  /**
   * @return a one-line form for logs and mode-change reasons
   */
  public String describe() {
    String b =
        switch (battery) {
          case Battery.Present p ->
              "battery " + Math.round(p.level() * 100) + "%" + (p.charging() ? " charging" : "");
          case Battery.Unknown u -> "battery unknown";
        };
    String load =
        cpu.loadPerProcessor().isPresent()
            ? Math.round(cpu.loadPerProcessor().getAsDouble() * 100) + "%"
            : "unknown";
    return b + ", memory " + Math.round(memory.usageRatio() * 100) + "% used, cpu " + load;
  }
}
