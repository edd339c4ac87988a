package io.himoe.learning.costquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostQualityPolicyTest {

  // Two models: "big" costs 10 per 1k and is right on all four rows; "small" costs 1 and is
  // right on rows 0-2. The predictor knows it: small's predicted quality is 0.9 on rows 0-2 and
  // 0.2 on row 3, big's 0.95 everywhere.
  private static final List<Map<String, Double>> PREDICTED =
      List.of(
          Map.of("big", 0.95, "small", 0.9),
          Map.of("big", 0.95, "small", 0.9),
          Map.of("big", 0.95, "small", 0.9),
          Map.of("big", 0.95, "small", 0.2));
  private static final List<Map<String, Double>> SCORES =
      List.of(
          Map.of("big", 1.0, "small", 1.0),
          Map.of("big", 1.0, "small", 1.0),
          Map.of("big", 1.0, "small", 1.0),
          Map.of("big", 1.0, "small", 0.0));
  private static final List<Map<String, Double>> COSTS =
      List.of(
          Map.of("big", 10.0, "small", 1.0),
          Map.of("big", 10.0, "small", 1.0),
          Map.of("big", 10.0, "small", 1.0),
          Map.of("big", 10.0, "small", 1.0));

  @Test
  void theCheapestPolicyReachingTheShareIsTaken() {
    // W = 0 sends all to big (quality 1, cost 10). A weight in (0.05/9, 0.75/9) sends rows 0-2 to
    // small and row 3 to big: quality 1, cost 3.25. Above 0.75/9 all go to small: 0.75, cost 1.
    CostQualityPolicy full =
        CostQualityPolicy.calibrate(PREDICTED, SCORES, COSTS, new CostTarget.Quality(1.0));
    assertThat(full.reached()).isTrue();
    assertThat(full.referenceModel()).isEqualTo("big");
    assertThat(full.quality()).isEqualTo(1.0);
    assertThat(full.cost()).isCloseTo(3.25, within(1e-9));
    assertThat(full.costWeight()).isBetween(0.05 / 9, 0.75 / 9);
    CostQualityPolicy lower =
        CostQualityPolicy.calibrate(PREDICTED, SCORES, COSTS, new CostTarget.Quality(0.75));
    assertThat(lower.cost()).isCloseTo(1.0, within(1e-9));
    assertThat(lower.choose(PREDICTED.get(3), COSTS.get(3))).isEqualTo("small");
    assertThat(full.choose(PREDICTED.get(3), COSTS.get(3))).isEqualTo("big");
  }

  @Test
  void aCostCeilingTakesTheBestQualityUnderIt() {
    CostQualityPolicy p =
        CostQualityPolicy.calibrate(PREDICTED, SCORES, COSTS, new CostTarget.MaxCost(5));
    assertThat(p.reached()).isTrue();
    assertThat(p.quality()).isEqualTo(1.0);
    assertThat(p.cost()).isCloseTo(3.25, within(1e-9));
    CostQualityPolicy none =
        CostQualityPolicy.calibrate(PREDICTED, SCORES, COSTS, new CostTarget.MaxCost(0.5));
    assertThat(none.reached()).isFalse();
    assertThat(none.cost()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void unreachableTargetsTakeTheBestQualityAndBadInputIsRefused() {
    CostQualityPolicy p =
        CostQualityPolicy.calibrate(PREDICTED, SCORES, COSTS, new CostTarget.Quality(1.2));
    assertThat(p.reached()).isFalse();
    assertThat(p.quality()).isEqualTo(1.0);
    assertThat(p.cost()).isCloseTo(3.25, within(1e-9));
    assertThatThrownBy(() -> new CostTarget.Quality(0)).hasMessageContaining("target quality");
    assertThatThrownBy(() -> new CostTarget.MaxCost(-1)).hasMessageContaining("maximum cost");
    assertThatThrownBy(
            () ->
                CostQualityPolicy.calibrate(
                    List.of(), List.of(), List.of(), new CostTarget.MaxCost(1)))
        .hasMessageContaining("calibration needs rows");
  }

  @Test
  void aRowWithoutAModelsScoreOrCostIsRefusedNamingTheModel() {
    List<Map<String, Double>> noSmallScore =
        List.of(SCORES.get(0), SCORES.get(1), SCORES.get(2), Map.of("big", 1.0));
    assertThatThrownBy(
            () ->
                CostQualityPolicy.calibrate(
                    PREDICTED, noSmallScore, COSTS, new CostTarget.Quality(1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no score for 'small'");
    List<Map<String, Double>> noBigCost =
        List.of(COSTS.get(0), COSTS.get(1), COSTS.get(2), Map.of("small", 1.0));
    assertThatThrownBy(
            () ->
                CostQualityPolicy.calibrate(
                    PREDICTED, SCORES, noBigCost, new CostTarget.Quality(1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no cost for")
        .hasMessageContaining("'big'");
  }
}
