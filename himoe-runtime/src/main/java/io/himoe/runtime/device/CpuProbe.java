package io.himoe.runtime.device;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.OptionalDouble;

/** Reads CPU load. Implementations never throw. */
@FunctionalInterface
public interface CpuProbe {

  /**
   * @return CPU load now
   */
  CpuStatus read();

  /**
   * @return {@code /proc/loadavg}, falling back to the JVM's operating system bean
   */
  static CpuProbe linux() {
    return loadavg(Path.of("/proc/loadavg"));
  }

  /**
   * The first field of a Linux {@code loadavg} file; where the file is absent, {@link
   * java.lang.management.OperatingSystemMXBean#getSystemLoadAverage()} (unknown when it is
   * negative, as on Windows). Processors: {@link Runtime#availableProcessors()}.
   *
   * @param loadavgFile the file (a fixture in tests)
   * @return the probe
   */
  static CpuProbe loadavg(Path loadavgFile) {
    return () -> {
      int cpus = Runtime.getRuntime().availableProcessors();
      OptionalDouble load = parseLoadavg(SysFiles.read(loadavgFile).orElse(""));
      if (load.isEmpty()) {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        load = l >= 0 ? OptionalDouble.of(l) : OptionalDouble.empty();
      }
      return new CpuStatus(load, cpus);
    };
  }

  /**
   * @param content a {@code loadavg} line such as {@code 0.52 0.58 0.59 1/467 12345}
   * @return its 1-minute load, or empty when it does not parse
   */
  static OptionalDouble parseLoadavg(String content) {
    int sp = content.indexOf(' ');
    String first = sp < 0 ? content : content.substring(0, sp);
    try {
      double v = Double.parseDouble(first);
      return v >= 0 && Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }
}
