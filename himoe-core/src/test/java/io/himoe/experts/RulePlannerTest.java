package io.himoe.experts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.planning.RulePlanner;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Plan;
import io.himoe.shared.PlanStep;
import io.himoe.shared.Value;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RulePlannerTest {

  @Test
  void numberedListsWithAGoalLine() {
    Plan p = RulePlanner.plan("Move house:\n1. pack boxes\n2) book a van\n3. unpack");
    assertThat(p.goal()).isEqualTo("Move house");
    assertThat(p.steps())
        .extracting(PlanStep::description)
        .containsExactly("pack boxes", "book a van", "unpack");
    assertThat(p.steps()).noneMatch(PlanStep::done);
  }

  @Test
  void checkboxesMarkDoneSteps() {
    Plan p = RulePlanner.plan("todo: release\n- [x] tag\n- [ ] build\n  with tests\n* publish");
    assertThat(p.steps())
        .extracting(PlanStep::description)
        .containsExactly("tag", "build with tests", "publish");
    assertThat(p.steps()).extracting(PlanStep::done).containsExactly(true, false, false);
  }

  @Test
  void sentencesAndSequenceWordsInEnglishAndFrench() {
    Plan en = RulePlanner.plan("Write the report. Then send it to Anna; finally archive it.");
    assertThat(en.steps())
        .extracting(PlanStep::description)
        .containsExactly("Write the report", "send it to Anna", "archive it");
    Plan fr = RulePlanner.plan("Préparer la pâte, puis la cuire ensuite servir");
    assertThat(fr.steps())
        .extracting(PlanStep::description)
        .containsExactly("Préparer la pâte", "la cuire", "servir");
  }

  @Test
  void answersAPlanValueWithConfidenceAndHints() throws Exception {
    RulePlanner planner = new RulePlanner();
    ExpertOut out = planner.infer(InputData.text("1. a\n2. b"), Context.of(Duration.ofSeconds(1)));
    assertThat(out.value()).isInstanceOf(Value.Plan.class);
    assertThat(out.aux().confidence()).isEqualTo(0.9);
    assertThat(planner.canHandle("plan: x")).isGreaterThan(0.9);
    assertThat(planner.canHandle("Quelles sont les étapes ?")).isEqualTo(0.8);
    assertThat(planner.canHandle("what is 2+2")).isZero();
  }

  @Test
  void aSingleSentenceWithoutAnyPlanningCueIsNoPlan() {
    RulePlanner planner = new RulePlanner();
    Context ctx = Context.of(Duration.ofSeconds(1));
    assertThatThrownBy(() -> planner.infer(InputData.text("what is 1/0"), ctx))
        .isInstanceOf(MoeError.Unprocessable.class)
        .hasMessageContaining("planning: no plan in the text");
    // One step is still a plan when it is announced as one.
    assertThat(planner.infer(InputData.text("Plan: launch the website"), ctx).value())
        .isInstanceOf(Value.Plan.class);
    assertThat(planner.infer(InputData.text("Write it. Then send it."), ctx).value())
        .isInstanceOf(Value.Plan.class);
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> RulePlanner.plan("  ")).isInstanceOf(MoeError.InvalidInput.class);
    assertThatThrownBy(
            () ->
                new RulePlanner().infer(InputData.features(1f), Context.of(Duration.ofSeconds(1))))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("text");
  }
}
