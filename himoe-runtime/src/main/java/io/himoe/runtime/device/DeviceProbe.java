package io.himoe.runtime.device;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Reads the device's status. One method to implement; {@link #linux()} reads this machine, {@link
 * #fixed} gives tests a status, {@link #of} combines per-resource probes (a platform replaces the
 * one it knows better), {@link #cached} bounds how often the files are read on a hot path.
 */
@FunctionalInterface
public interface DeviceProbe {

  /**
   * @return the status now; never throws (what cannot be read is reported as unknown)
   */
  DeviceStatus read();

  /**
   * @return battery, memory and CPU probes for Linux, stamped with the system clock; on other
   *     platforms the battery is unknown and the CPU load comes from the JVM
   */
  static DeviceProbe linux() {
    return of(BatteryProbe.linux(), MemoryProbe.linux(), CpuProbe.linux(), InstantSource.system());
  }

  /**
   * @param battery the battery probe
   * @param memory the memory probe
   * @param cpu the CPU probe
   * @param clock stamps each reading
   * @return a probe that reads all three
   */
  static DeviceProbe of(
      BatteryProbe battery, MemoryProbe memory, CpuProbe cpu, InstantSource clock) {
    Objects.requireNonNull(battery, "battery");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(clock, "clock");
    return () -> new DeviceStatus(battery.read(), memory.read(), cpu.read(), clock.instant());
  }

  /**
   * @param status the status to report
   * @return a probe that always reports it
   */
  static DeviceProbe fixed(DeviceStatus status) {
    Objects.requireNonNull(status, "status");
    return () -> status;
  }

  /**
   * @param maxAge how long a reading is reused, &gt;= 0
   * @param clock the time source
   * @return a probe that re-reads this one at most once per {@code maxAge}
   */
  default DeviceProbe cached(Duration maxAge, InstantSource clock) {
    return new CachedDeviceProbe(this, maxAge, clock);
  }
}
