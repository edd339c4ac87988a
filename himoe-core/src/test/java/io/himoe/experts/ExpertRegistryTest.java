package io.himoe.experts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExpertRegistryTest {

  @Test
  void idIsAStableHashOfTheName() {
    // The same value on every run and machine: FNV-1a 64 of the UTF-8 name, then SplitMix64.
    assertThat(ExpertId.of("planning")).isEqualTo(ExpertId.of("planning"));
    assertThat(ExpertId.of("planning").toString()).isEqualTo(ExpertId.of("planning").toString());
    assertThat(ExpertId.of("planning")).isNotEqualTo(ExpertId.of("Planning"));
    assertThat(ExpertId.of("planning").toString()).hasSize(16);
    assertThatThrownBy(() -> ExpertId.of(" ")).hasMessageContaining("empty");
  }

  @Test
  void duplicatesAreRefusedAndRemovalWorks() {
    ExpertRegistry r = ExpertRegistry.of(TestExperts.Constant.of("a", "x"));
    assertThatThrownBy(() -> r.register(TestExperts.Constant.of("a", "y")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate expert name 'a'");
    ExpertRef b = r.register(TestExperts.Constant.of("b", "y"));
    assertThat(r.list()).extracting(ExpertRef::name).containsExactly("a", "b");
    assertThat(r.byId(b.id())).contains(b);
    assertThat(r.byName("b")).contains(b);
    assertThat(r.stats(b.id()).calls()).isZero();
    assertThat(r.remove("a")).isTrue();
    assertThat(r.remove("a")).isFalse();
    assertThat(r.size()).isEqualTo(1);
    assertThatThrownBy(() -> r.register(TestExperts.Constant.of(" ", "y")))
        .hasMessageContaining("blank");
  }

  @Test
  void statsAreMovingAverages() {
    ExpertStats s = new ExpertStats();
    assertThat(s.expectedLatencyMs()).isZero();
    s.recordAnswer(100, 2.0);
    assertThat(s.expectedLatencyMs()).isEqualTo(100);
    s.recordAnswer(200, 4.0);
    assertThat(s.expectedLatencyMs()).isEqualTo(120);
    assertThat(s.expectedCost()).isEqualTo(2.4, org.assertj.core.api.Assertions.within(1e-9));
    s.recordFailure(50);
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.calls()).isEqualTo(3);
  }

  @Test
  void aRemovedExpertHasNoStatisticsButAPickedCallStillRuns() {
    ExpertRegistry r =
        ExpertRegistry.of(TestExperts.Constant.of("a", "x"), TestExperts.Constant.of("b", "y"));
    ExpertRef a = r.byName("a").orElseThrow();
    assertThat(r.findStats(a.id())).containsSame(r.stats(a.id()));
    var router = io.himoe.router.KeywordRouter.builder("main", r).build();
    r.remove("a");
    assertThat(r.findStats(a.id())).isEmpty();
    assertThatThrownBy(() -> r.stats(a.id())).isInstanceOf(IllegalArgumentException.class);
    // Picked before it was removed: the call runs, with statistics nobody keeps.
    var outcomes =
        router.callExperts(
            java.util.List.of(a),
            io.himoe.shared.InputData.text("q"),
            io.himoe.shared.Context.of(java.time.Duration.ofSeconds(5)));
    assertThat(outcomes).singleElement().isInstanceOf(ExpertOutcome.Answered.class);
  }
}
