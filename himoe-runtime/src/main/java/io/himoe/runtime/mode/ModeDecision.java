package io.himoe.runtime.mode;

import io.himoe.runtime.complexity.ComplexityLevel;
import java.util.Objects;

/**
 * A mode chosen by a {@link ModeMatrix}, with what it was chosen from.
 *
 * @param mode the chosen mode
 * @param level the complexity level
 * @param condition the device condition
 * @param cpuStepDown whether a busy CPU stepped the matrix's mode down
 */
public record ModeDecision(
    PerformanceMode mode, ComplexityLevel level, DeviceCondition condition, boolean cpuStepDown) {

  /** Validates. */
  public ModeDecision {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(condition, "condition");
  }

  /**
   * @return why, e.g. {@code HIGH complexity, battery low, on battery, memory free -> BALANCED}
   */
  public String describe() {
    return level
        + " complexity, battery "
        + (condition.batteryLow() ? "low" : "ok")
        + ", "
        + (condition.charging() ? "external power" : "on battery")
        + ", memory "
        + (condition.memoryFree() ? "free" : "pressed")
        + (cpuStepDown ? ", cpu busy (stepped down)" : "")
        + " -> "
        + mode;
  }
}
