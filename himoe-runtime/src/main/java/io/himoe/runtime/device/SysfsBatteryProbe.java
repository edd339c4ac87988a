package io.himoe.runtime.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/** {@link BatteryProbe#sysfs}. */
final class SysfsBatteryProbe implements BatteryProbe {

  private final Path dir;

  SysfsBatteryProbe(Path dir) {
    this.dir = dir;
  }

  @Override
  public Battery read() {
    if (!Files.isDirectory(dir)) {
      return Battery.unknown("no " + dir);
    }
    List<Path> supplies;
    try (Stream<Path> s = Files.list(dir)) {
      supplies = s.sorted().toList();
    } catch (IOException e) {
      return Battery.unknown("cannot list " + dir + ": " + e.getMessage());
    }
    double sum = 0;
    List<String> names = new ArrayList<>();
    boolean charging = false;
    for (Path p : supplies) {
      String type = SysFiles.read(p.resolve("type")).orElse("");
      if (type.equalsIgnoreCase("Mains") || type.equalsIgnoreCase("USB")) {
        charging |= SysFiles.read(p.resolve("online")).orElse("0").equals("1");
      } else if (type.equalsIgnoreCase("Battery") && !isPeripheral(p)) {
        OptionalDouble level = level(p);
        if (level.isPresent()) {
          sum += level.getAsDouble();
          names.add(p.getFileName().toString());
          charging |= isCharging(SysFiles.read(p.resolve("status")));
        }
      }
    }
    if (names.isEmpty()) {
      return Battery.unknown("no system battery in " + dir);
    }
    double level = Math.min(1.0, Math.max(0.0, sum / names.size()));
    return new Battery.Present(level, charging, dir + "/" + String.join(",", names));
  }

  private static boolean isPeripheral(Path p) {
    return SysFiles.read(p.resolve("scope")).orElse("").equalsIgnoreCase("Device");
  }

  private static boolean isCharging(Optional<String> status) {
    String s = status.orElse("").toLowerCase(Locale.ROOT);
    return s.equals("charging") || s.equals("full") || s.equals("not charging");
  }

  private static OptionalDouble level(Path p) {
    var capacity = SysFiles.readLong(p.resolve("capacity"));
    if (capacity.isPresent()) {
      return OptionalDouble.of(capacity.getAsLong() / 100.0);
    }
    for (String kind : new String[] {"energy", "charge"}) {
      var now = SysFiles.readLong(p.resolve(kind + "_now"));
      var full = SysFiles.readLong(p.resolve(kind + "_full"));
      if (now.isPresent() && full.isPresent() && full.getAsLong() > 0) {
        return OptionalDouble.of((double) now.getAsLong() / full.getAsLong());
      }
    }
    return OptionalDouble.empty();
  }
}
