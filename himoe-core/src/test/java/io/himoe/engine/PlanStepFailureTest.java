package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.experts.planning.RulePlanner;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A failing plan step is re-routed like any request; if it still fails, the answer is partial. */
class PlanStepFailureTest {

  private static final String PLAN =
      """
      Plan: a trip to Paris
      1. compute 1200 * 12
      2. Who discovered the speed of light?
      3. compute 1/0
      4. compute 2 + 2
      """;

  /** Computes "compute ..." steps; cannot process anything else, nor a division by zero. */
  static final class Calc implements Expert {
    @Override
    public String name() {
      return "calc";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      String t = input.toText();
      if (t.contains("/0")) {
        throw new MoeError.Unprocessable("calc: division by zero");
      }
      if (!t.startsWith("compute")) {
        throw new MoeError.Unprocessable("calc: no expression");
      }
      return ExpertOut.of(Value.text("computed " + t.substring(8)), 0, 0.9);
    }
  }

  /** Answers "who" questions; cannot process anything else. */
  static final class Knows implements Expert {
    @Override
    public String name() {
      return "knows";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      if (!input.toText().startsWith("Who")) {
        throw new MoeError.Unprocessable("knows: not a question");
      }
      return ExpertOut.of(Value.text("Ole Rømer"), 0, 0.8);
    }
  }

  private static RuleOrchestrator orchestrator() {
    KeywordRouter planner =
        KeywordRouter.builder("planner", ExpertRegistry.of(new RulePlanner())).build();
    // "who" leads to an expert that is down: re-routed to the one that knows.
    KeywordRouter steps =
        KeywordRouter.builder(
                "steps",
                ExpertRegistry.of(new Calc(), new TestExperts.Failing("flaky"), new Knows()))
            .keyword("calc", "compute", 3)
            .keyword("flaky", "who", 3)
            .keyword("knows", "who", 2)
            .build();
    return RuleOrchestrator.builder()
        .router(planner)
        .router(steps)
        .defaultRouter("planner")
        .planSteps("steps")
        .build();
  }

  private static Context ctx() {
    return Context.builder().budget(Duration.ofSeconds(5)).traceId("plan-1").build();
  }

  @Test
  void aFailedStepIsReroutedThenMarkedWhileTheCompletedStepsAreAnswered() {
    try (Engine e = Engine.builder(orchestrator()).build()) {
      Answer a = e.ask(InputData.text(PLAN), ctx());

      JsonNode steps = ((Value.Json) a.value()).data().get("steps");
      assertThat(steps.get(0).get("status").asText()).isEqualTo("answered");
      assertThat(steps.get(0).get("answer").asText()).isEqualTo("computed 1200 * 12");
      assertThat(steps.get(1).get("status").asText()).isEqualTo("answered");
      assertThat(steps.get(1).get("answer").asText()).isEqualTo("Ole Rømer");
      assertThat(steps.get(2).get("status").asText()).isEqualTo("failed");
      assertThat(steps.get(2).get("router").asText()).isEqualTo("steps");
      assertThat(steps.get(2).get("error").asText()).contains("calc: division by zero");
      assertThat(steps.get(3).get("answer").asText()).isEqualTo("computed 2 + 2");
      assertThat(((Value.Json) a.value()).data().get("failed_steps").asInt()).isEqualTo(1);

      // The trace has every stage in the order they ran: step 2 was re-routed, step 3 failed.
      assertThat(a.trace().stages())
          .extracting(StageTrace::label)
          .containsExactly("main", "step 1/4", "step 2/4", "step 3/4", "step 4/4");
      assertThat(a.trace().stages().get(2).shrink()).contains("re-route 1: flaky failed -> knows");
      StageTrace failed = a.trace().stages().get(3);
      assertThat(failed.failed()).isTrue();
      assertThat(failed.error()).startsWith("no_expert_answered: ").contains("division by zero");
      assertThat(a.trace().stages().get(4).failed()).isFalse();
      // The decision kept for feedback holds only the stages that completed.
      assertThat(e.decisions().get("plan-1").orElseThrow().stages()).hasSize(4);
    }
  }

  @Test
  void withFailTheRequestEndsWithTheStepsError() {
    try (Engine e = Engine.builder(orchestrator()).onStepFailure(OnStepFailure.FAIL).build()) {
      assertThatThrownBy(() -> e.ask(InputData.text(PLAN), ctx()))
          .isInstanceOf(MoeError.NoExpertAnswered.class)
          .hasMessageContaining("calc cannot process the input (calc: division by zero)");
    }
  }

  @Test
  void aStepEveryExpertRejectsIsMarkedWithTheClientMistake() {
    String plan = "Plan: sums\n1. compute 1 + 1\n2. compute 5/0\n";
    KeywordRouter planner =
        KeywordRouter.builder("planner", ExpertRegistry.of(new RulePlanner())).build();
    KeywordRouter steps = KeywordRouter.builder("steps", ExpertRegistry.of(new Calc())).build();
    RuleOrchestrator o =
        RuleOrchestrator.builder()
            .router(planner)
            .router(steps)
            .defaultRouter("planner")
            .planSteps("steps")
            .build();
    try (Engine e = Engine.builder(o).build()) {
      JsonNode steps2 = ((Value.Json) e.ask(InputData.text(plan), ctx()).value()).data();
      assertThat(steps2.get("steps").get(1).get("status").asText()).isEqualTo("failed");
      assertThat(steps2.get("steps").get(1).get("code").asText()).isEqualTo("unprocessable_input");
      assertThat(steps2.get("steps").get(0).get("answer").asText()).isEqualTo("computed 1 + 1");
    }
  }
}
