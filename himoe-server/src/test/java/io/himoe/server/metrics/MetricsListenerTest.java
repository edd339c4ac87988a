package io.himoe.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.EngineEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsListenerTest {

  @Test
  void skippedShadowsAreCountedByReason() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MetricsListener m = new MetricsListener(registry, 2_000);
    m.on(
        new EngineEvent.ShadowsSkipped(
            "t1", "main", List.of("symbolic"), EngineEvent.SkipReason.CPU_SHARE));
    m.on(
        new EngineEvent.ShadowsSkipped(
            "t2", "main", List.of("symbolic"), EngineEvent.SkipReason.CPU_SHARE));
    m.on(
        new EngineEvent.ShadowsSkipped(
            "t3", "main", List.of("symbolic"), EngineEvent.SkipReason.NO_PERMIT));
    assertThat(registry.get("himoe.shadow.skipped").tag("reason", "cpu_share").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("himoe.shadow.skipped").tag("reason", "no_permit").counter().count())
        .isEqualTo(1);
  }
}
