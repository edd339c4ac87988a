package io.himoe.runtime.device;

import java.nio.file.Path;

/**
 * Reads the battery. Implementations never throw: what cannot be read is {@link Battery.Unknown}.
 */
@FunctionalInterface
public interface BatteryProbe {

  /**
   * @return the battery now
   */
  Battery read();

  /**
   * @return the Linux probe on {@code /sys/class/power_supply}
   */
  static BatteryProbe linux() {
    return sysfs(Path.of("/sys/class/power_supply"));
  }

  /**
   * Reads a Linux {@code power_supply} class directory: system batteries ({@code type} Battery,
   * peripheral ones with {@code scope} Device are skipped) give the level ({@code capacity}, or
   * {@code energy_now/energy_full}, or {@code charge_now/charge_full}), averaged over batteries;
   * charging is a battery {@code status} of Charging, Full or Not charging, or a Mains/USB supply
   * {@code online}.
   *
   * @param powerSupplyDir the directory (a fixture tree in tests)
   * @return the probe
   */
  static BatteryProbe sysfs(Path powerSupplyDir) {
    return new SysfsBatteryProbe(powerSupplyDir);
  }
}
