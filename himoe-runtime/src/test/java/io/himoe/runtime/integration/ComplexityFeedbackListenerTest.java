package io.himoe.runtime.integration;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.engine.Feedback;
import io.himoe.experts.ExpertRegistry;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.complexity.LearnedComplexityAssessor;
import io.himoe.runtime.mode.PerformanceMode;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ComplexityFeedbackListenerTest {

  @Test
  void poorRewardsRaiseTheLevelTheRuntimeChooses() {
    LearnedComplexityAssessor learned =
        LearnedComplexityAssessor.builder().learningRate(0.5).build();
    RuntimeManager rt =
        RuntimeManager.builder().assessor(learned).probe(() -> status(0.9, true, 0.2, 0.1)).build();
    ComplexityFeedbackListener listener = ComplexityFeedbackListener.of(learned);
    ExpertRegistry reg =
        ExpertRegistry.of(RuntimeExpert.wrap(new RuntimeIntegrationTest.Echo("e"), rt));
    KeywordRouter kw = KeywordRouter.builder("main", reg).build();
    try (Engine engine =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(ModeCappedRouter.wrap(kw, rt))
                    .defaultRouter("main")
                    .build())
            .listener(listener)
            .build()) {
      String prompt = "Translate the contract";
      assertThat(rt.decide(prompt).complexity().level()).isEqualTo(ComplexityLevel.LOW);
      // Users keep rejecting the answers given in the level chosen: each time, one level more.
      for (int i = 0; i < 60; i++) {
        Answer a = engine.ask(prompt + " number " + i);
        engine.feedback(
            new Feedback(a.traceId(), OptionalDouble.of(0.1), Optional.empty(), Optional.empty()));
      }
      assertThat(listener.examplesFed()).isEqualTo(60);
      assertThat(learned.assess(prompt).level()).isEqualTo(ComplexityLevel.HIGH);
      assertThat(rt.decide(prompt).mode()).isEqualTo(PerformanceMode.MAXIMUM);

      // A middling reward and a repeated feedback teach nothing more.
      Answer a = engine.ask("Define a word");
      engine.feedback(
          new Feedback(a.traceId(), OptionalDouble.of(0.6), Optional.empty(), Optional.empty()));
      Answer b = engine.ask("Define a verb");
      engine.feedback(
          new Feedback(b.traceId(), OptionalDouble.of(0.9), Optional.empty(), Optional.empty()));
      engine.feedback(
          new Feedback(b.traceId(), OptionalDouble.of(0.9), Optional.empty(), Optional.empty()));
      assertThat(listener.examplesFed()).isEqualTo(61);
    }
  }

  @Test
  void thresholdsAreValidated() {
    var learned = LearnedComplexityAssessor.builder().build();
    assertThatThrownBy(
            () ->
                ComplexityFeedbackListener.of(learned, 0.9, 0.5, java.time.InstantSource.system()))
        .hasMessageContaining("lowBelow");
  }
}
