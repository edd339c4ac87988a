package io.himoe.learning.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.engine.Feedback;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.gate.Balancing;
import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.orchestrator.RuleOrchestrator;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void eceMatchesAHandComputation() {
    Calibration c = Calibration.of(10);
    // Bin [0.9, 1.0): confidence 0.95 twice, one right -> |0.5 - 0.95| = 0.45, weight 2/4.
    c.record(0.95, true);
    c.record(0.95, false);
    // Bin [0.2, 0.3): confidence 0.25 twice, both wrong -> |0 - 0.25| = 0.25, weight 2/4.
    c.record(0.25, false);
    c.record(0.25, false);
    assertThat(c.ece()).isCloseTo(0.5 * 0.45 + 0.5 * 0.25, within(1e-12));
    assertThat(c.bins().get(9).count()).isEqualTo(2);
    assertThat(c.bins().get(9).accuracy()).isEqualTo(0.5);
    c.record(1.0, true);
    assertThat(c.bins().get(9).count()).isEqualTo(3);
  }

  @Test
  void distributions() {
    assertThat(Distributions.coefficientOfVariation(new double[] {5, 5, 5})).isZero();
    assertThat(Distributions.coefficientOfVariation(new double[] {2, 0}))
        .isCloseTo(1, within(1e-12));
    double[] p = {0.5, 0.5};
    assertThat(Distributions.kl(p, p)).isZero();
    assertThat(Distributions.psi(p, p)).isZero();
    double[] q = {0.9, 0.1};
    double expectedKl = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1);
    assertThat(Distributions.kl(p, q)).isCloseTo(expectedKl, within(1e-9));
    assertThat(Distributions.psi(p, q))
        .isCloseTo(0.4 * Math.log(0.9 / 0.5) - 0.4 * Math.log(0.1 / 0.5), within(1e-9));
  }

  @Test
  void monitorReadsTheEngineTelemetry() {
    ExpertRegistry reg = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> reg.register(new NamedExpert(n)));
    NeuralRouter router =
        NeuralRouter.builder("neural", reg, new HashingEncoder(128))
            .gateConfig(GateConfig.ofDefaults().withBalancing(Balancing.NONE, 0))
            .build();
    GuardrailMonitor monitor = GuardrailMonitor.of(100, 0.2, 0.3);
    Engine engine =
        Engine.builder(RuleOrchestrator.builder().router(router).defaultRouter("neural").build())
            .listener(monitor)
            .build();
    // First 100 requests are about every topic, the next 100 only about music: the gate
    // distribution drifts and the load becomes unbalanced.
    List<LabelledText> mixed = SyntheticIntents.generate(25, 0, 3);
    java.util.Collections.shuffle(mixed, new java.util.Random(2));
    for (LabelledText t : mixed) {
      Answer a = engine.ask(t.text());
      engine.feedback(Feedback.bestExpert(a.traceId(), t.label()));
      engine.feedback(
          Feedback.reward(
              a.traceId(),
              a.trace().stages().getFirst().experts().getFirst().name().equals(t.label()) ? 1 : 0));
    }
    GuardrailReport before = monitor.report();
    assertThat(before.requests()).isEqualTo(100);
    assertThat(before.calibrated()).isEqualTo(100);
    assertThat(before.ece()).isBetween(0.0, 1.0);
    for (LabelledText t : SyntheticIntents.generate(25, 0, 4).subList(50, 75)) {
      for (int i = 0; i < 4; i++) {
        engine.ask(t.text());
      }
    }
    GuardrailReport after = monitor.report();
    assertThat(after.requests()).isEqualTo(200);
    System.out.println(
        "drift after a topic shift: psi="
            + after.driftPsi()
            + " kl="
            + after.driftKl()
            + " cv "
            + before.loadCv()
            + " -> "
            + after.loadCv()
            + " ece="
            + before.ece());
    assertThat(after.driftPsi()).isGreaterThan(0.2);
    assertThat(after.driftAlert()).isTrue();
    assertThat(after.loadCv()).isGreaterThan(before.loadCv());
    assertThat(after.utilisation()).containsKeys("music", "weather");
    assertThat(after.contradictionRate()).isZero();
  }
}
