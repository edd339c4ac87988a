package io.himoe.runtime.device;

import java.nio.file.Path;

/** Reads memory pressure. Implementations never throw. */
@FunctionalInterface
public interface MemoryProbe {

  /**
   * @return memory now
   */
  MemoryStatus read();

  /**
   * @return the JVM heap plus the Linux cgroup of this process under {@code /sys/fs/cgroup}
   */
  static MemoryProbe linux() {
    return cgroup(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"));
  }

  /**
   * The JVM heap ({@link Runtime}) and the cgroup limit and usage: cgroup v2 {@code memory.max} /
   * {@code memory.current} in the process's group (from the {@code 0::path} line of {@code
   * selfCgroup}) or at the root; else cgroup v1 {@code memory/<path>/memory.limit_in_bytes} /
   * {@code memory.usage_in_bytes}. {@code max} or a v1 limit of 2^62 bytes or more means no limit.
   *
   * @param cgroupRoot the cgroup mount (a fixture tree in tests)
   * @param selfCgroup the {@code /proc/self/cgroup} file
   * @return the probe
   */
  static MemoryProbe cgroup(Path cgroupRoot, Path selfCgroup) {
    return new CgroupMemoryProbe(cgroupRoot, selfCgroup);
  }
}
