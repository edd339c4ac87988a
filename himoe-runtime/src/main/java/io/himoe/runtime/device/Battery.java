package io.himoe.runtime.device;

import java.util.Objects;

/** The battery as read from the device: present with a level, or unknown (never guessed). */
public sealed interface Battery {

  /**
   * A battery that reported its state.
   *
   * @param level the charge in [0, 1]
   * @param charging whether the device is on external power (charging, full or plugged in)
   * @param source where it was read, e.g. {@code /sys/class/power_supply/BAT0}
   */
  record Present(double level, boolean charging, String source) implements Battery {
    /** Validates. */
    public Present {
      if (!(level >= 0 && level <= 1)) {
        throw new IllegalArgumentException("battery level must be in [0, 1], got " + level);
      }
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * No battery could be read (a server, a container without sysfs, an unsupported platform).
   *
   * @param reason why, for logs
   */
  record Unknown(String reason) implements Battery {
    /** Validates. */
    public Unknown {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * @param level the charge in [0, 1]
   * @param charging whether on external power
   * @return a present battery (for tests and platform probes)
   */
  static Battery of(double level, boolean charging) {
    return new Present(level, charging, "given");
  }

  /**
   * @param reason why the battery is unknown
   * @return an unknown battery
   */
  static Battery unknown(String reason) {
    return new Unknown(reason);
  }
}
