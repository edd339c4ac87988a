package io.himoe.runtime.mode;

/**
 * The device facts the seed's matrix looks at, each a yes/no.
 *
 * @param batteryLow the battery is below the low threshold
 * @param charging the device is on external power
 * @param memoryFree memory usage is below the free threshold
 */
public record DeviceCondition(boolean batteryLow, boolean charging, boolean memoryFree) {

  /**
   * @return 0..7, the column of this condition in a {@link ModeMatrix}
   */
  public int index() {
    return (batteryLow ? 4 : 0) | (charging ? 2 : 0) | (memoryFree ? 1 : 0);
  }

  /**
   * @param index 0..7
   * @return the condition of that column
   */
  public static DeviceCondition ofIndex(int index) {
    if (index < 0 || index > 7) {
      throw new IllegalArgumentException("condition index must be in 0..7, got " + index);
    }
    return new DeviceCondition((index & 4) != 0, (index & 2) != 0, (index & 1) != 0);
  }
}
