package io.himoe.runtime.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** {@link MemoryProbe#cgroup}. */
final class CgroupMemoryProbe implements MemoryProbe {

  // cgroup v1 reports "no limit" as a page-rounded Long.MAX_VALUE.
  private static final long V1_UNLIMITED = 1L << 62;

  private final Path root;
  private final Path selfCgroup;
  // The files are located once: a process does not change cgroup in practice.
  private volatile @Nullable Optional<Path[]> files;

  CgroupMemoryProbe(Path root, Path selfCgroup) {
    this.root = root;
    this.selfCgroup = selfCgroup;
  }

  @Override
  public MemoryStatus read() {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    Optional<Path[]> f = files;
    if (f == null) {
      f = locate();
      files = f;
    }
    if (f.isEmpty()) {
      return MemoryStatus.ofHeap(used, rt.maxMemory());
    }
    OptionalLong limit = parseLimit(SysFiles.read(f.get()[0]));
    OptionalLong usage = SysFiles.readLong(f.get()[1]);
    return new MemoryStatus(used, rt.maxMemory(), limit, usage);
  }

  static OptionalLong parseLimit(Optional<String> raw) {
    if (raw.isEmpty() || raw.get().equals("max")) {
      return OptionalLong.empty();
    }
    try {
      long v = Long.parseLong(raw.get());
      return v <= 0 || v >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(v);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  // [limit file, usage file], v2 first.
  private Optional<Path[]> locate() {
    String v2 = "/";
    String v1 = "/";
    for (String line : SysFiles.read(selfCgroup).orElse("").split("\n")) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && parts[0].equals("0") && parts[1].isEmpty()) {
        v2 = parts[2];
      } else if (parts.length == 3 && ("," + parts[1] + ",").contains(",memory,")) {
        v1 = parts[2];
      }
    }
    for (Path dir : new Path[] {under(root, v2), root}) {
      if (Files.exists(dir.resolve("memory.max"))) {
        return Optional.of(new Path[] {dir.resolve("memory.max"), dir.resolve("memory.current")});
      }
    }
    Path mem = root.resolve("memory");
    for (Path dir : new Path[] {under(mem, v1), mem}) {
      if (Files.exists(dir.resolve("memory.limit_in_bytes"))) {
        return Optional.of(
            new Path[] {
              dir.resolve("memory.limit_in_bytes"), dir.resolve("memory.usage_in_bytes")
            });
      }
    }
    return Optional.empty();
  }

  private static Path under(Path base, String cgroupPath) {
    String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
    return rel.isEmpty() ? base : base.resolve(rel);
  }
}
