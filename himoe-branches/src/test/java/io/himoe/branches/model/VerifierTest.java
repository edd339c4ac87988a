package io.himoe.branches.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {

  private static final float[] SURE = {0.9f, 0.05f, 0.05f};
  private static final float[] FLAT = {1 / 3f, 1 / 3f, 1 / 3f};
  private static final float[] OTHER = {0.1f, 0.8f, 0.1f};

  @Test
  void confidenceIsTheTopProbability() {
    assertThat(Verifier.confidence().score(SURE, List.of(SURE))).isCloseTo(0.9, within(1e-6));
  }

  @Test
  void lowEntropyIsOneForOneHotAndZeroForUniform() {
    assertThat(Verifier.lowEntropy().score(new float[] {1, 0, 0}, List.of()))
        .isCloseTo(1, within(1e-9));
    assertThat(Verifier.lowEntropy().score(FLAT, List.of())).isCloseTo(0, within(1e-6));
    assertThat(Verifier.lowEntropy().score(SURE, List.of())).isBetween(0.4, 0.7);
  }

  @Test
  void agreementIsTheOverlapWithTheOthers() {
    // overlap(SURE, OTHER) = 0.1 + 0.05 + 0.05 = 0.2 ; overlap(SURE, SURE) = 1 -> mean 0.6
    float[] twin = SURE.clone();
    assertThat(Verifier.agreement().score(SURE, List.of(SURE, OTHER, twin)))
        .isCloseTo(0.6, within(1e-6));
    assertThat(Verifier.agreement().score(SURE, List.of(SURE))).isEqualTo(1);
  }

  @Test
  void ruleIsTheMassOnAllowedClassesAndAndMultiplies() {
    Verifier onlyOne = Verifier.rule(c -> c == 1);
    assertThat(onlyOne.score(OTHER, List.of())).isCloseTo(0.8, within(1e-6));
    assertThat(onlyOne.and(Verifier.confidence()).score(OTHER, List.of()))
        .isCloseTo(0.64, within(1e-6));
  }

  @Test
  void modesValidateTheirBudget() {
    assertThatThrownBy(() -> GateMode.topK(0)).hasMessageContaining("k must be >= 1");
    assertThatThrownBy(() -> GateMode.parallel(0, Verifier.confidence()))
        .hasMessageContaining("p must be >= 1");
  }

  @Test
  void hiddenGranularitySharesOnlyTheHead() {
    assertThat(Granularity.HIDDEN.branched(0, 3)).isTrue();
    assertThat(Granularity.HIDDEN.branched(2, 3)).isFalse();
    assertThat(Granularity.HEAD.branched(2, 3)).isTrue();
    assertThat(Granularity.BLOCK.branched(1, 3)).isTrue();
  }
}
