package io.himoe.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutingMetricsTest {

  /** Six rows worked out by hand in the comments of each test. */
  static final List<Routed> ROWS =
      List.of(
          new Routed("a", Optional.of("a"), "a", 0.9),
          new Routed("a", Optional.of("b"), "b", 0.6),
          new Routed("b", Optional.of("b"), "b", 0.8),
          new Routed("oos", Optional.empty(), "a", 0.3),
          new Routed("oos", Optional.of("a"), "a", 0.7),
          new Routed("b", Optional.of("a"), "a", 0.4));

  @Test
  void withOutOfScopeLabel() {
    RoutingMetrics m = RoutingMetrics.of(ROWS, Optional.of("oos"));
    // predictions a,b,b,oos,a,a -> right on rows 1,3,4
    assertThat(m.accuracy()).isEqualTo(0.5);
    // in-scope rows 1,2,3,6 -> right on 1,3
    assertThat(m.inScopeAccuracy()).isEqualTo(0.5);
    // oos rows 4,5 -> rejected on 4
    assertThat(m.oosRecall()).hasValue(0.5);
    // F1 a: tp1 fp2 fn1 -> 2/5; b: tp1 fp1 fn1 -> 1/2; oos: tp1 fp0 fn1 -> 2/3
    assertThat(m.macroF1()).isCloseTo((0.4 + 0.5 + 2.0 / 3) / 3, within(1e-12));
    assertThat(m.confusions())
        .containsExactly(
            new RoutingMetrics.Confusion("a", "b", 1),
            new RoutingMetrics.Confusion("b", "a", 1),
            new RoutingMetrics.Confusion("oos", "a", 1));
    // a: predicted on rows 1,5,6, right on 1 -> precision 1/3; gold on rows 1,2 -> recall 1/2
    assertThat(m.labels())
        .containsExactly(
            new RoutingMetrics.LabelScore("a", 2, 1.0 / 3, 0.5, 0.4),
            new RoutingMetrics.LabelScore("b", 2, 0.5, 0.5, 0.5),
            new RoutingMetrics.LabelScore("oos", 2, 1.0, 0.5, 2.0 / 3));
  }

  @Test
  void withoutOutOfScopeLabelARejectionIsWrong() {
    RoutingMetrics m = RoutingMetrics.of(ROWS, Optional.empty());
    // predictions a,b,b,<rejected>,a,a -> right on rows 1,3
    assertThat(m.accuracy()).isCloseTo(2.0 / 6, within(1e-12));
    assertThat(m.inScopeAccuracy()).isEqualTo(m.accuracy());
    assertThat(m.oosRecall()).isEmpty();
    // a: 2/5, b: 1/2, oos (a plain label now): tp0 -> 0; the rejection is no label of its own
    assertThat(m.macroF1()).isCloseTo((0.4 + 0.5 + 0) / 3, within(1e-12));
    assertThat(m.confusions())
        .contains(new RoutingMetrics.Confusion("oos", RoutingMetrics.REJECTED, 1));
  }

  @Test
  void perfectRoutingScoresOne() {
    List<Routed> rows =
        List.of(
            new Routed("x", Optional.of("x"), "x", 1),
            new Routed("y", Optional.of("y"), "y", 1),
            new Routed("oos", Optional.empty(), "x", 0.2));
    RoutingMetrics m = RoutingMetrics.of(rows, Optional.of("oos"));
    assertThat(m.accuracy()).isEqualTo(1);
    assertThat(m.macroF1()).isEqualTo(1);
    assertThat(m.oosRecall()).hasValue(1);
    assertThat(m.confusions()).isEmpty();
  }
}
