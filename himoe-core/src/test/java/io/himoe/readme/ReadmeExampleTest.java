package io.himoe.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.engine.Feedback;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.planning.RulePlanner;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.router.Router;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import org.junit.jupiter.api.Test;

/** The README's library example, kept compiling and working. */
class ReadmeExampleTest {

  @Test
  void readmeExampleWorks() {
    // --- README example starts
    ExpertRegistry experts =
        ExpertRegistry.of(
            new RulePlanner(), // built in: goal text -> ordered steps
            new Expert() { // an expert of your own
              public String name() {
                return "shout";
              }

              public ExpertOut infer(InputData in, Context ctx) {
                return ExpertOut.of(Value.text(in.toText().toUpperCase()), 0.0, 0.8);
              }

              public double canHandle(String task) {
                return task.endsWith("!") ? 0.9 : 0.1;
              }
            });
    Router router = KeywordRouter.builder("main", experts).topK(1).build();
    try (Engine engine =
        Engine.builder(RuleOrchestrator.builder().router(router).build()).build()) {
      Answer a = engine.ask("Plan: book a room, then invite the team");
      System.out.println(a.value().render()); // the plan, step by step
      System.out.println(a.trace()); // gate scores, picks, latency, cost
      engine.feedback(Feedback.reward(a.traceId(), 1.0)); // trains learning routers
      // --- README example ends
      assertThat(a.value().asPlan().orElseThrow().steps()).hasSize(2);
      assertThat(engine.ask("hello!").value()).isEqualTo(Value.text("HELLO!"));
    }
  }
}
