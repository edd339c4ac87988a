package io.himoe.learning.costquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelChoiceTest {

  static final Map<String, Double> COST = Map.of("small", 0.01, "big", 0.09, "mid", 0.05);

  @Test
  void costWeightTradesQualityForPrice() {
    Map<String, Double> p = Map.of("small", 0.6, "big", 0.9, "mid", 0.7);
    assertThat(ModelChoice.choose(p, COST, 0)).isEqualTo("big");
    // utilities at w = 5: small .55, big .45, mid .45
    assertThat(ModelChoice.choose(p, COST, 5)).isEqualTo("small");
    // at w = 2: small .58, big .72, mid .60
    assertThat(ModelChoice.choose(p, COST, 2)).isEqualTo("big");
  }

  @Test
  void tiesGoToTheCheaperThenTheFirstName() {
    assertThat(ModelChoice.choose(Map.of("big", 0.5, "small", 0.5), COST, 0)).isEqualTo("small");
    Map<String, Double> same = Map.of("b", 0.02, "a", 0.02);
    assertThat(ModelChoice.choose(Map.of("b", 0.5, "a", 0.5), same, 1)).isEqualTo("a");
  }

  @Test
  void aModelWithoutCostIsAnError() {
    assertThatThrownBy(() -> ModelChoice.choose(Map.of("x", 1.0), COST, 0))
        .hasMessageContaining("no cost for model 'x'");
  }
}
