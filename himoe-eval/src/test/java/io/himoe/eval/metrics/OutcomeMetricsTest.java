package io.himoe.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.himoe.eval.data.Outcome;
import io.himoe.eval.data.Prices;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeMetricsTest {

  static final Path F = Path.of("t.jsonl");

  static Outcome row(String q, double m1, double m2, double m3) {
    Map<String, Double> s = new LinkedHashMap<>();
    s.put("m1", m1);
    s.put("m2", m2);
    s.put("m3", m3);
    return new Outcome(q, s, F, 1);
  }

  static final Prices PRICES =
      new Prices(
          Map.of(
              "m1", new Prices.Price(1, 1),
              "m2", new Prices.Price(10, 10),
              "m3", new Prices.Price(0, 0)));

  @Test
  void qualityCostAndGapByHand() {
    List<Outcome> test =
        List.of(
            row("abcd", 0, 1, 0), // 1 input token
            row("abcdefgh", 1, 1, 0), // 2 input tokens
            row("abcd", 0, 0, 1),
            row("abcd", 1, 0, 0));
    OutcomeMetrics m = OutcomeMetrics.of(test, List.of("m2", "m1", "m1", "m1"), PRICES, 2);
    assertThat(m.nTest()).isEqualTo(4);
    assertThat(m.quality()).isEqualTo(0.75);
    // m2 on q1: (10·1 + 10·2)/1e6; m1: (1·2+1·2), (1+2), (1+2) /1e6 -> 40e-6 per 4 queries
    assertThat(m.costPer1k()).isCloseTo(40e-6 / 4 * 1000, within(1e-12));
    // m1 and m2 both score 2/4; m1 is cheaper
    assertThat(m.bestSingleModel()).isEqualTo("m1");
    assertThat(m.bestSingleQuality()).isEqualTo(0.5);
    assertThat(m.bestSingleCostPer1k()).isCloseTo(13e-6 / 4 * 1000, within(1e-12));
    assertThat(m.oracleQuality()).isEqualTo(1);
    // (0.75 - 0.5) / (1 - 0.5)
    assertThat(m.gapClosed()).hasValue(0.5);
  }

  @Test
  void noGapWhenTheOracleIsTheBestSingleModel() {
    List<Outcome> test = List.of(row("abcd", 1, 0, 0), row("abcd", 1, 1, 0));
    OutcomeMetrics m = OutcomeMetrics.of(test, List.of("m3", "m3"), PRICES, 0);
    assertThat(m.quality()).isEqualTo(0);
    assertThat(m.costPer1k()).isEqualTo(0);
    assertThat(m.gapClosed()).isEmpty();
  }
}
