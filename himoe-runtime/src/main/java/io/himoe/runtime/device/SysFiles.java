package io.himoe.runtime.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads small sysfs/procfs files; a missing or unreadable file is empty, never an exception. */
final class SysFiles {

  private SysFiles() {}

  static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file).strip());
    } catch (IOException | RuntimeException e) {
      // Absent on this platform, permission denied, or vanished while reading.
      return Optional.empty();
    }
  }

  static OptionalLong readLong(Path file) {
    Optional<String> s = read(file);
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(s.get()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
