package io.himoe.runtime.device;

import java.util.OptionalDouble;

/**
 * CPU load.
 *
 * @param loadAverage the 1-minute load average (runnable tasks), empty where the platform has none
 * @param processors processors available to the JVM, &gt;= 1
 */
public record CpuStatus(OptionalDouble loadAverage, int processors) {

  /** Validates. */
  public CpuStatus {
    if (processors < 1) {
      throw new IllegalArgumentException("processors must be >= 1, got " + processors);
    }
    if (loadAverage.isPresent() && !(loadAverage.getAsDouble() >= 0)) {
      throw new IllegalArgumentException(
          "loadAverage must be >= 0, got " + loadAverage.getAsDouble());
    }
  }

  /**
   * @param load the 1-minute load average
   * @param processors the processor count
   * @return a status
   */
  public static CpuStatus of(double load, int processors) {
    return new CpuStatus(OptionalDouble.of(load), processors);
  }

  /**
   * @param processors the processor count
   * @return a status whose load is unknown
   */
  public static CpuStatus unknown(int processors) {
    return new CpuStatus(OptionalDouble.empty(), processors);
  }

  /**
   * @return load per processor (1.0 = every core busy), empty when the load is unknown
   */
  public OptionalDouble loadPerProcessor() {
    return loadAverage.isPresent()
        ? OptionalDouble.of(loadAverage.getAsDouble() / processors)
        : OptionalDouble.empty();
  }
}
