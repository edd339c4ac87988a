package io.himoe.runtime.mode;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ModeTrackerTest {

  @Test
  void aThrowingListenerIsCountedAndTheOthersStillHear() {
    ModeTracker t =
        new ModeTracker(
            PerformanceMode.BALANCED,
            InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")),
            4);
    List<ModeChange> heard = new CopyOnWriteArrayList<>();
    t.onModeChange(
        c -> {
          throw new IllegalStateException("listener bug");
        });
    t.onModeChange(heard::add);
    ModeChange c = t.switchTo(PerformanceMode.ECO, "battery low");
    assertThat(c).isNotNull();
    assertThat(t.current()).isEqualTo(PerformanceMode.ECO);
    assertThat(heard).containsExactly(c);
    assertThat(t.listenerFailures()).isEqualTo(1);
    t.switchTo(PerformanceMode.MAXIMUM, "hard request");
    assertThat(t.listenerFailures()).isEqualTo(2);
  }
}
