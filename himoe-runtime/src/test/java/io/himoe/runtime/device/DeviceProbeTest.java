package io.himoe.runtime.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.runtime.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceProbeTest {

  @TempDir Path tmp;

  private void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content + "\n");
  }

  @Test
  void laptopBatteryDischarging() throws IOException {
    Path ps = tmp.resolve("power_supply");
    write(ps.resolve("BAT0/type"), "Battery");
    write(ps.resolve("BAT0/capacity"), "15");
    write(ps.resolve("BAT0/status"), "Discharging");
    write(ps.resolve("AC/type"), "Mains");
    write(ps.resolve("AC/online"), "0");
    // A wireless mouse's battery is not the system's.
    write(ps.resolve("hidpp_battery_0/type"), "Battery");
    write(ps.resolve("hidpp_battery_0/scope"), "Device");
    write(ps.resolve("hidpp_battery_0/capacity"), "100");
    Battery b = BatteryProbe.sysfs(ps).read();
    assertThat(b).isInstanceOf(Battery.Present.class);
    Battery.Present p = (Battery.Present) b;
    assertThat(p.level()).isEqualTo(0.15);
    assertThat(p.charging()).isFalse();
    assertThat(p.source()).endsWith("BAT0");
  }

  @Test
  void pluggedInViaMainsAndEnergyFiles() throws IOException {
    Path ps = tmp.resolve("power_supply");
    write(ps.resolve("BAT1/type"), "Battery");
    write(ps.resolve("BAT1/energy_now"), "30000000");
    write(ps.resolve("BAT1/energy_full"), "40000000");
    write(ps.resolve("BAT1/status"), "Unknown");
    write(ps.resolve("ADP1/type"), "Mains");
    write(ps.resolve("ADP1/online"), "1");
    Battery.Present p = (Battery.Present) BatteryProbe.sysfs(ps).read();
    assertThat(p.level()).isEqualTo(0.75);
    assertThat(p.charging()).isTrue();
  }

  @Test
  void twoBatteriesAreAveragedAndFullCountsAsCharging() throws IOException {
    Path ps = tmp.resolve("power_supply");
    write(ps.resolve("BAT0/type"), "Battery");
    write(ps.resolve("BAT0/capacity"), "100");
    write(ps.resolve("BAT0/status"), "Full");
    write(ps.resolve("BAT1/type"), "Battery");
    write(ps.resolve("BAT1/charge_now"), "1000");
    write(ps.resolve("BAT1/charge_full"), "2000");
    Battery.Present p = (Battery.Present) BatteryProbe.sysfs(ps).read();
    assertThat(p.level()).isEqualTo(0.75);
    assertThat(p.charging()).isTrue();
  }

  @Test
  void noBatteryIsUnknownNotAGuess() throws IOException {
    assertThat(BatteryProbe.sysfs(tmp.resolve("absent")).read())
        .isInstanceOf(Battery.Unknown.class);
    Path ps = tmp.resolve("power_supply");
    write(ps.resolve("AC/type"), "Mains");
    write(ps.resolve("AC/online"), "1");
    write(ps.resolve("BAT0/type"), "Battery");
    write(ps.resolve("BAT0/capacity"), "not a number");
    assertThat(BatteryProbe.sysfs(ps).read())
        .isEqualTo(Battery.unknown("no system battery in " + ps));
  }

  @Test
  void cgroupV2InTheProcessGroup() throws IOException {
    Path cg = tmp.resolve("cgroup");
    write(cg.resolve("app.slice/memory.max"), "536870912");
    write(cg.resolve("app.slice/memory.current"), "134217728");
    write(tmp.resolve("self"), "0::/app.slice");
    MemoryStatus m = MemoryProbe.cgroup(cg, tmp.resolve("self")).read();
    assertThat(m.cgroupLimitBytes()).isEqualTo(OptionalLong.of(536_870_912));
    assertThat(m.cgroupUsageBytes()).isEqualTo(OptionalLong.of(134_217_728));
    assertThat(m.heapMaxBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(m.usageRatio()).isGreaterThanOrEqualTo(0.25);
    assertThat(m.availableBytes()).isLessThanOrEqualTo(536_870_912L - 134_217_728L);
  }

  @Test
  void cgroupV2UnlimitedAtTheRoot() throws IOException {
    Path cg = tmp.resolve("cgroup");
    write(cg.resolve("memory.max"), "max");
    write(cg.resolve("memory.current"), "1000");
    write(tmp.resolve("self"), "0::/");
    MemoryStatus m = MemoryProbe.cgroup(cg, tmp.resolve("self")).read();
    assertThat(m.cgroupLimitBytes()).isEmpty();
    assertThat(m.usageRatio()).isEqualTo((double) m.heapUsedBytes() / m.heapMaxBytes());
  }

  @Test
  void cgroupV1WithProcessPathAndUnlimitedSentinel() throws IOException {
    Path cg = tmp.resolve("cgroup");
    write(cg.resolve("memory/job42/memory.limit_in_bytes"), "1073741824");
    write(cg.resolve("memory/job42/memory.usage_in_bytes"), "1063741824");
    write(cg.resolve("memory/memory.limit_in_bytes"), "9223372036854771712");
    write(cg.resolve("memory/memory.usage_in_bytes"), "5");
    write(tmp.resolve("self"), "5:cpuacct,cpu:/\n4:memory:/job42\n0::/");
    MemoryStatus m = MemoryProbe.cgroup(cg, tmp.resolve("self")).read();
    assertThat(m.cgroupLimitBytes()).isEqualTo(OptionalLong.of(1_073_741_824));
    assertThat(m.usageRatio()).isGreaterThan(0.99);
    assertThat(m.availableBytes()).isLessThanOrEqualTo(10_000_000);

    write(tmp.resolve("self2"), "4:memory:/elsewhere");
    MemoryStatus root = MemoryProbe.cgroup(cg, tmp.resolve("self2")).read();
    assertThat(root.cgroupLimitBytes()).isEmpty();
  }

  @Test
  void noCgroupIsHeapOnly() {
    MemoryStatus m = MemoryProbe.cgroup(tmp.resolve("none"), tmp.resolve("none/self")).read();
    assertThat(m.cgroupLimitBytes()).isEmpty();
    assertThat(m.cgroupUsageBytes()).isEmpty();
    assertThat(m.heapUsedBytes()).isPositive();
  }

  @Test
  void loadavgParsesAndFallsBack() throws IOException {
    write(tmp.resolve("loadavg"), "3.50 1.00 0.50 2/300 4242");
    CpuStatus c = CpuProbe.loadavg(tmp.resolve("loadavg")).read();
    assertThat(c.loadAverage()).isEqualTo(OptionalDouble.of(3.5));
    assertThat(c.processors()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.loadPerProcessor().getAsDouble()).isEqualTo(3.5 / c.processors());
    assertThat(CpuProbe.parseLoadavg("garbage")).isEmpty();
    assertThat(CpuProbe.parseLoadavg("")).isEmpty();
    // Absent file: the JVM bean (present on Linux/macOS).
    CpuStatus fb = CpuProbe.loadavg(tmp.resolve("absent")).read();
    assertThat(fb.processors()).isPositive();
  }

  @Test
  void smokeOnThisMachine() {
    DeviceStatus s = DeviceProbe.linux().read();
    assertThat(s.memory().heapMaxBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(s.memory().usageRatio()).isBetween(0.0, 1.0);
    assertThat(s.cpu().processors()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(s.battery()).isNotNull();
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(s.cpu().loadAverage()).isPresent();
    }
    assertThat(s.describe()).contains("memory").contains("cpu");
  }

  @Test
  void cachedProbeRereadsOnlyAfterMaxAge() {
    TestClock clock = TestClock.start();
    AtomicInteger reads = new AtomicInteger();
    DeviceProbe counting =
        () -> {
          reads.incrementAndGet();
          return new DeviceStatus(
              Battery.unknown("test"),
              MemoryStatus.ofHeap(1, 2),
              CpuStatus.unknown(1),
              clock.instant());
        };
    DeviceProbe cached = counting.cached(Duration.ofMillis(100), clock);
    cached.read();
    cached.read();
    assertThat(reads).hasValue(1);
    clock.advance(Duration.ofMillis(100));
    cached.read();
    assertThat(reads).hasValue(2);
  }

  @Test
  void describeIsReadable() {
    DeviceStatus s =
        new DeviceStatus(
            Battery.of(0.42, true),
            MemoryStatus.ofHeap(25, 100),
            CpuStatus.of(1.0, 4),
            TestClock.start().instant());
    assertThat(s.describe()).isEqualTo("battery 42% charging, memory 25% used, cpu 25%");
  }
}
