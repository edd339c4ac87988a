package io.himoe.runtime;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.runtime.mode.ModeChange;
import io.himoe.runtime.mode.PerformanceMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RuntimeManagerTest {

  private static final String HARD =
      "Debug this function step by step and prove why the SQL query fails after 3 retries; "
          + "it must be secure and efficient, without using a new library.";

  @Test
  void decidesFromComplexityAndDeviceAndTracksTheChange() {
    TestClock clock = TestClock.start();
    AtomicReference<DeviceStatus> device = new AtomicReference<>(status(0.9, true, 0.3, 0.1));
    RuntimeManager rt = RuntimeManager.builder().probe(device::get).clock(clock).build();
    List<ModeChange> heard = new CopyOnWriteArrayList<>();
    rt.onModeChange(heard::add);

    RuntimeDecision easy = rt.decide("What is a monad?");
    assertThat(easy.complexity().level()).isEqualTo(ComplexityLevel.LOW);
    assertThat(easy.mode()).isEqualTo(PerformanceMode.BALANCED);
    assertThat(heard).isEmpty();

    clock.advance(Duration.ofSeconds(5));
    RuntimeDecision hard = rt.decide(HARD);
    assertThat(hard.complexity().level()).isEqualTo(ComplexityLevel.HIGH);
    assertThat(hard.mode()).isEqualTo(PerformanceMode.MAXIMUM);
    assertThat(hard.profile()).isEqualTo(rt.profile(PerformanceMode.MAXIMUM));
    assertThat(rt.currentMode()).isEqualTo(PerformanceMode.MAXIMUM);
    assertThat(heard).hasSize(1);
    ModeChange c = heard.getFirst();
    assertThat(c.from()).isEqualTo(PerformanceMode.BALANCED);
    assertThat(c.to()).isEqualTo(PerformanceMode.MAXIMUM);
    assertThat(c.at()).isEqualTo(clock.instant());
    assertThat(c.reason()).startsWith("request: HIGH complexity");
    assertThat(rt.modeHistory()).containsExactly(c);
    assertThat(hard.describe()).contains("LENGTH=").contains("battery 90% charging");

    // Battery drains mid-request: the reassessment keeps the complexity, reads the device again.
    device.set(status(0.1, false, 0.3, 0.1));
    clock.advance(Duration.ofSeconds(1));
    RuntimeDecision later = rt.reassess(hard);
    assertThat(later.complexity()).isEqualTo(hard.complexity());
    assertThat(later.mode()).isEqualTo(PerformanceMode.BALANCED);
    assertThat(heard).hasSize(2);
    assertThat(heard.get(1).reason())
        .startsWith("dynamic adjustment: HIGH complexity, battery low");
  }

  @Test
  void poolsFollowFreshDeviceReadings() {
    TestClock clock = TestClock.start();
    AtomicReference<DeviceStatus> device = new AtomicReference<>(status(0.9, true, 0.2, 0.1));
    MemoryPools pools = MemoryPools.ofDefaults(device.get());
    long before = pools.pool(MemoryPools.KV_CACHE).capacityBytes();
    RuntimeManager rt =
        RuntimeManager.builder()
            .probe(
                () -> {
                  DeviceStatus s = device.get();
                  return new DeviceStatus(s.battery(), s.memory(), s.cpu(), clock.instant());
                })
            .pools(pools)
            .clock(clock)
            .build();
    rt.decide("What is a monad?");
    assertThat(pools.pool(MemoryPools.KV_CACHE).capacityBytes()).isEqualTo(before);
    // Memory pressure rises: the next fresh reading shrinks the budgets.
    device.set(status(0.9, true, 0.8, 0.1));
    clock.advance(Duration.ofSeconds(1));
    rt.decide("What is a monad?");
    assertThat(pools.pool(MemoryPools.KV_CACHE).capacityBytes())
        .isCloseTo(before / 4, org.assertj.core.api.Assertions.withinPercentage(1));
    assertThat(rt.pools()).containsSame(pools);
  }

  @Test
  void manualSwitchAndListenerRemoval() {
    RuntimeManager rt =
        RuntimeManager.builder().probe(() -> status(0.5, false, 0.5, 0)).historySize(2).build();
    List<ModeChange> heard = new CopyOnWriteArrayList<>();
    Runnable off = rt.onModeChange(heard::add);
    assertThat(rt.switchTo(PerformanceMode.ECO, "operator")).isNotNull();
    assertThat(rt.switchTo(PerformanceMode.ECO, "again")).isNull();
    off.run();
    rt.switchTo(PerformanceMode.MAXIMUM, "x");
    rt.switchTo(PerformanceMode.BALANCED, "y");
    assertThat(heard).hasSize(1);
    assertThat(rt.modeHistory()).extracting(ModeChange::reason).containsExactly("x", "y");
    assertThat(rt.currentProfile()).isEqualTo(rt.profile(PerformanceMode.BALANCED));
  }

  @Test
  void aThrowingListenerDoesNotBreakTheDecision() {
    RuntimeManager rt = RuntimeManager.builder().probe(() -> status(0.9, true, 0.1, 0)).build();
    rt.onModeChange(
        c -> {
          throw new IllegalStateException("boom");
        });
    assertThat(rt.decide(HARD).mode()).isEqualTo(PerformanceMode.MAXIMUM);
  }
}
