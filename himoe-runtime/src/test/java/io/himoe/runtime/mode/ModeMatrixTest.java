package io.himoe.runtime.mode;

import static io.himoe.runtime.Fixtures.status;
import static io.himoe.runtime.complexity.ComplexityLevel.HIGH;
import static io.himoe.runtime.complexity.ComplexityLevel.LOW;
import static io.himoe.runtime.complexity.ComplexityLevel.MEDIUM;
import static io.himoe.runtime.mode.PerformanceMode.BALANCED;
import static io.himoe.runtime.mode.PerformanceMode.ECO;
import static io.himoe.runtime.mode.PerformanceMode.MAXIMUM;
import static io.himoe.runtime.mode.PerformanceMode.PERFORMANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.runtime.complexity.ComplexityLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModeMatrixTest {

  private final ModeMatrix seed = ModeMatrix.ofDefaults();

  // Every cell of the seed's selectPerformanceMode: level, battery, charging, memory usage.
  @ParameterizedTest(name = "{0} battery={1} charging={2} mem={3} -> {4}")
  @CsvSource({
    "LOW, 0.1, false, 0.3, ECO",
    "LOW, 0.1, false, 0.9, ECO",
    "LOW, 0.1, true, 0.3, BALANCED",
    "LOW, 0.9, false, 0.3, BALANCED",
    "LOW, 0.9, true, 0.3, BALANCED",
    "LOW, 0.9, true, 0.9, BALANCED",
    "MEDIUM, 0.1, false, 0.3, BALANCED",
    "MEDIUM, 0.1, true, 0.3, BALANCED",
    "MEDIUM, 0.9, true, 0.3, PERFORMANCE",
    "MEDIUM, 0.9, true, 0.9, BALANCED",
    "MEDIUM, 0.9, false, 0.3, BALANCED",
    "HIGH, 0.1, false, 0.3, BALANCED",
    "HIGH, 0.1, false, 0.9, BALANCED",
    "HIGH, 0.1, true, 0.3, MAXIMUM",
    "HIGH, 0.1, true, 0.9, PERFORMANCE",
    "HIGH, 0.9, true, 0.3, MAXIMUM",
    "HIGH, 0.9, true, 0.9, PERFORMANCE",
    "HIGH, 0.9, false, 0.3, PERFORMANCE",
    "HIGH, 0.9, false, 0.9, PERFORMANCE",
  })
  void seedMatrix(
      ComplexityLevel level, double battery, boolean charging, double mem, PerformanceMode want) {
    ModeDecision d = seed.decide(level, status(battery, charging, mem, 0.1));
    assertThat(d.mode()).isEqualTo(want);
    assertThat(d.cpuStepDown()).isFalse();
  }

  @Test
  void thresholdsAreStrict() {
    // 20% is not low (seed: level < 0.2); 50% usage is not free (seed: usageRatio < 0.5).
    assertThat(seed.decide(LOW, status(0.2, false, 0.3, 0)).mode()).isEqualTo(BALANCED);
    assertThat(seed.decide(HIGH, status(0.9, true, 0.5, 0)).mode()).isEqualTo(PERFORMANCE);
  }

  @Test
  void unknownBatteryCountsAsMainsUnlessConfigured() {
    assertThat(seed.decide(HIGH, status(-1, false, 0.3, 0)).mode()).isEqualTo(MAXIMUM);
    ModeMatrix literal = seed.withUnknownBatteryIsMains(false);
    assertThat(literal.decide(HIGH, status(-1, false, 0.3, 0)).mode()).isEqualTo(PERFORMANCE);
    assertThat(literal.decide(LOW, status(-1, false, 0.3, 0)).mode()).isEqualTo(BALANCED);
  }

  @Test
  void busyCpuStepsDownOneMode() {
    ModeDecision d = seed.decide(HIGH, status(0.9, true, 0.3, 2.5));
    assertThat(d.mode()).isEqualTo(PERFORMANCE);
    assertThat(d.cpuStepDown()).isTrue();
    assertThat(d.describe()).contains("cpu busy").endsWith("-> PERFORMANCE");
    assertThat(seed.decide(LOW, status(0.1, false, 0.3, 9)).mode()).isEqualTo(ECO);
    assertThat(seed.withoutCpuStepDown().decide(HIGH, status(0.9, true, 0.3, 9)).mode())
        .isEqualTo(MAXIMUM);
    assertThat(seed.withCpuBusyAbove(0.5).decide(MEDIUM, status(0.9, true, 0.3, 0.6)).mode())
        .isEqualTo(BALANCED);
  }

  @Test
  void cellsAndThresholdsAreConfigurable() {
    DeviceCondition mains = new DeviceCondition(false, true, true);
    ModeMatrix m = seed.withCell(LOW, mains, ECO).withLowBatteryBelow(0.5);
    assertThat(m.decide(LOW, status(0.9, true, 0.1, 0)).mode()).isEqualTo(ECO);
    assertThat(seed.decide(LOW, status(0.9, true, 0.1, 0)).mode()).isEqualTo(BALANCED);
    assertThat(m.decide(LOW, status(0.4, false, 0.1, 0)).mode()).isEqualTo(ECO);
    assertThat(seed.withMemoryFreeBelow(0.95).decide(MEDIUM, status(0.9, true, 0.9, 0)).mode())
        .isEqualTo(PERFORMANCE);
    assertThat(m.cell(LOW, mains)).isEqualTo(ECO);
    for (int i = 0; i < 8; i++) {
      assertThat(DeviceCondition.ofIndex(i).index()).isEqualTo(i);
    }
  }

  @Test
  void badConfigNamesTheField() {
    assertThatThrownBy(() -> seed.withLowBatteryBelow(1.5)).hasMessageContaining("lowBatteryBelow");
    assertThatThrownBy(() -> seed.withCpuBusyAbove(0)).hasMessageContaining("cpuBusyAbove");
    assertThatThrownBy(() -> PerformanceProfile.ofDefaults(ECO).withMaxTokens(0))
        .hasMessageContaining("maxTokens");
  }

  @Test
  void profilesFollowTheSeedRatios() {
    long base = PerformanceProfile.ofDefaults(BALANCED).bytesPerToken();
    assertThat(PerformanceProfile.ofDefaults(ECO).bytesPerToken() * 2).isEqualTo(base);
    assertThat(PerformanceProfile.ofDefaults(MAXIMUM).bytesPerToken()).isEqualTo(base * 4);
    assertThat(PerformanceProfile.ofDefaults(ECO).maxConcurrency()).isEqualTo(1);
    assertThat(PerformanceProfile.ofDefaults(MAXIMUM).maxConcurrency()).isEqualTo(8);
    assertThat(PerformanceProfile.ofDefaults(PERFORMANCE).cacheEnabled()).isFalse();
    assertThat(PerformanceProfile.ofDefaults(BALANCED).cacheEnabled()).isTrue();
    PerformanceProfile p =
        PerformanceProfile.ofDefaults(ECO)
            .withTier(ModelTier.LARGE)
            .withMaxTopK(3)
            .withCacheEnabled(false)
            .withSpeculationLength(5)
            .withMaxConcurrency(2)
            .withBytesPerToken(100)
            .withMaxTokens(10);
    assertThat(p).isEqualTo(new PerformanceProfile(100, 2, 5, false, 10, ModelTier.LARGE, 3));
    assertThatThrownBy(() -> p.withMaxTopK(0)).hasMessageContaining("profile maxTopK");
  }
}
