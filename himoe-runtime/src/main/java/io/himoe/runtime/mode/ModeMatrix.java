package io.himoe.runtime.mode;

import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.device.Battery;
import io.himoe.runtime.device.DeviceStatus;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The seed's decision matrix: a mode for each complexity level and each {@link DeviceCondition}
 * (battery low, on external power, memory free), plus the thresholds that turn a {@link
 * DeviceStatus} into a condition. Immutable; the {@code with*} methods return changed copies. A
 * decision is a table lookup (no allocation beyond its result).
 *
 * <p>Defaults, from the seed: battery low below 20%; memory free below 50% usage; LOW is ECO on a
 * low, discharging battery, else BALANCED; MEDIUM is BALANCED on a low battery, PERFORMANCE when
 * charging with free memory, else BALANCED; HIGH is BALANCED on a low, discharging battery, MAXIMUM
 * when charging with free memory, else PERFORMANCE. Two additions: a device whose battery is
 * unknown (a server, a desktop) counts as on external power, and a CPU busier than 2.0 runnable
 * tasks per processor steps the mode down one level (both configurable).
 */
public final class ModeMatrix {

  private final PerformanceMode[][] table;
  private final double lowBatteryBelow;
  private final double memoryFreeBelow;
  private final OptionalDouble cpuBusyAbove;
  private final boolean unknownBatteryIsMains;

  private ModeMatrix(
      PerformanceMode[][] table,
      double lowBatteryBelow,
      double memoryFreeBelow,
      OptionalDouble cpuBusyAbove,
      boolean unknownBatteryIsMains) {
    this.table = table;
    this.lowBatteryBelow = lowBatteryBelow;
    this.memoryFreeBelow = memoryFreeBelow;
    this.cpuBusyAbove = cpuBusyAbove;
    this.unknownBatteryIsMains = unknownBatteryIsMains;
  }

  /**
   * @return the seed's matrix and thresholds
   */
  public static ModeMatrix ofDefaults() {
    PerformanceMode[][] t = new PerformanceMode[ComplexityLevel.values().length][8];
    for (ComplexityLevel level : ComplexityLevel.values()) {
      for (int i = 0; i < 8; i++) {
        t[level.ordinal()][i] = seed(level, DeviceCondition.ofIndex(i));
      }
    }
    return new ModeMatrix(t, 0.2, 0.5, OptionalDouble.of(2.0), true);
  }

  // The seed's selectPerformanceMode, verbatim in logic.
  private static PerformanceMode seed(ComplexityLevel level, DeviceCondition c) {
    boolean low = c.batteryLow();
    boolean charging = c.charging();
    boolean mem = c.memoryFree();
    return switch (level) {
      case LOW -> low && !charging ? PerformanceMode.ECO : PerformanceMode.BALANCED;
      case MEDIUM -> {
        if (low) {
          yield PerformanceMode.BALANCED;
        }
        yield charging && mem ? PerformanceMode.PERFORMANCE : PerformanceMode.BALANCED;
      }
      case HIGH -> {
        if (low && !charging) {
          yield PerformanceMode.BALANCED;
        }
        yield charging && mem ? PerformanceMode.MAXIMUM : PerformanceMode.PERFORMANCE;
      }
    };
  }

  /**
   * @param level the request's complexity
   * @param status the device now
   * @return the mode and why
   */
  public ModeDecision decide(ComplexityLevel level, DeviceStatus status) {
    DeviceCondition c = conditionOf(status);
    PerformanceMode mode = table[level.ordinal()][c.index()];
    boolean busy = false;
    if (cpuBusyAbove.isPresent()) {
      OptionalDouble load = status.cpu().loadPerProcessor();
      busy = load.isPresent() && load.getAsDouble() > cpuBusyAbove.getAsDouble();
    }
    return new ModeDecision(busy ? mode.lower() : mode, level, c, busy);
  }

  /**
   * @param status a device status
   * @return the condition it falls in under these thresholds
   */
  public DeviceCondition conditionOf(DeviceStatus status) {
    boolean low;
    boolean charging;
    switch (status.battery()) {
      case Battery.Present p -> {
        low = p.level() < lowBatteryBelow;
        charging = p.charging();
      }
      case Battery.Unknown u -> {
        low = false;
        charging = unknownBatteryIsMains;
      }
    }
    return new DeviceCondition(low, charging, status.memory().usageRatio() < memoryFreeBelow);
  }

  /**
   * @param level a complexity level
   * @param condition a device condition
   * @return the mode in that cell
   */
  public PerformanceMode cell(ComplexityLevel level, DeviceCondition condition) {
    return table[level.ordinal()][condition.index()];
  }

  /**
   * @param level a complexity level
   * @param condition a device condition
   * @param mode the mode for that cell
   * @return a copy with that cell changed
   */
  public ModeMatrix withCell(
      ComplexityLevel level, DeviceCondition condition, PerformanceMode mode) {
    Objects.requireNonNull(mode, "mode");
    PerformanceMode[][] t = new PerformanceMode[table.length][];
    for (int i = 0; i < table.length; i++) {
      t[i] = table[i].clone();
    }
    t[level.ordinal()][condition.index()] = mode;
    return new ModeMatrix(t, lowBatteryBelow, memoryFreeBelow, cpuBusyAbove, unknownBatteryIsMains);
  }

  /**
   * @param level battery level in [0, 1] below which the battery is low (seed: 0.2)
   * @return a copy with that threshold
   */
  public ModeMatrix withLowBatteryBelow(double level) {
    unit("lowBatteryBelow", level);
    return new ModeMatrix(table, level, memoryFreeBelow, cpuBusyAbove, unknownBatteryIsMains);
  }

  /**
   * @param usage memory usage ratio in [0, 1] below which memory counts as free (seed: 0.5)
   * @return a copy with that threshold
   */
  public ModeMatrix withMemoryFreeBelow(double usage) {
    unit("memoryFreeBelow", usage);
    return new ModeMatrix(table, lowBatteryBelow, usage, cpuBusyAbove, unknownBatteryIsMains);
  }

  /**
   * @param loadPerProcessor load per processor above which the mode steps down, &gt; 0
   * @return a copy with that threshold
   */
  public ModeMatrix withCpuBusyAbove(double loadPerProcessor) {
    if (!(loadPerProcessor > 0) || Double.isInfinite(loadPerProcessor)) {
      throw new IllegalArgumentException(
          "cpuBusyAbove must be finite and > 0, got " + loadPerProcessor);
    }
    return new ModeMatrix(
        table,
        lowBatteryBelow,
        memoryFreeBelow,
        OptionalDouble.of(loadPerProcessor),
        unknownBatteryIsMains);
  }

  /**
   * @return a copy that ignores CPU load, as the seed does
   */
  public ModeMatrix withoutCpuStepDown() {
    return new ModeMatrix(
        table, lowBatteryBelow, memoryFreeBelow, OptionalDouble.empty(), unknownBatteryIsMains);
  }

  /**
   * @param mains whether an unknown battery counts as external power (default true; the seed's
   *     literal reading is false)
   * @return a copy with that rule
   */
  public ModeMatrix withUnknownBatteryIsMains(boolean mains) {
    return new ModeMatrix(table, lowBatteryBelow, memoryFreeBelow, cpuBusyAbove, mains);
  }

  private static void unit(String field, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(field + " must be in [0, 1], got " + v);
    }
  }
}
