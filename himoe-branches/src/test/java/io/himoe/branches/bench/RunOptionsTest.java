package io.himoe.branches.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunOptionsTest {

  @Test
  void theGateIsNarrowerOnTenTaskProtocolsToStayWithinTheParameterBudget() {
    assertThat(RunOptions.of(Method.BRANCHES).gateHidden()).isEqualTo(400);
    assertThat(RunOptions.of(Method.BRANCHES, "split-mnist", Scenario.CLASS).gateHidden())
        .isEqualTo(400);
    assertThat(RunOptions.of(Method.BRANCHES, "permuted-mnist", Scenario.DOMAIN).gateHidden())
        .isEqualTo(128);
    assertThat(RunOptions.of(Method.BRANCHES, "clinc-domains", Scenario.CLASS).gateHidden())
        .isEqualTo(64);
    assertThat(RunOptions.of(Method.EWC, "split-mnist", Scenario.CLASS).gateHidden())
        .isEqualTo(128);
    // permuted MNIST changes nothing else
    assertThat(RunOptions.of(Method.BRANCHES, "permuted-mnist", Scenario.DOMAIN).epochs())
        .isEqualTo(RunOptions.of(Method.BRANCHES).epochs());
  }

  @Test
  void clincUsesOneHiddenLayerAndItsOwnBranchSettings() {
    RunOptions b = RunOptions.of(Method.BRANCHES, "clinc-domains", Scenario.TASK);
    assertThat(b.hidden()).containsExactly(256);
    assertThat(b.rank()).isEqualTo(20);
    assertThat(b.epochs()).isEqualTo(20);
    assertThat(b.trainElastic()).as("images only").isZero();
    RunOptions e = RunOptions.of(Method.EWC, "clinc-domains", Scenario.TASK);
    assertThat(e.hidden()).containsExactly(256);
    assertThat(e.epochs()).isEqualTo(RunOptions.of(Method.EWC).epochs());
  }

  @Test
  void branchesDefaultToAdamWithShiftsAndBaselinesToPlainSgd() {
    RunOptions b = RunOptions.of(Method.BRANCHES);
    assertThat(b.trainShift()).isEqualTo(1);
    assertThat(b.testShift()).isEqualTo(1);
    RunOptions n = RunOptions.of(Method.NAIVE);
    assertThat(n.trainShift()).isZero();
    assertThat(n.testShift()).isZero();
    assertThat(n.trainElastic()).isZero();
  }

  @Test
  void onlyTheTaskScenarioDeformsTheBranchesTrainingImagesByDefault() {
    assertThat(RunOptions.of(Method.BRANCHES, "split-mnist", Scenario.TASK).trainElastic())
        .isEqualTo(2);
    assertThat(RunOptions.of(Method.BRANCHES, "split-mnist", Scenario.DOMAIN).trainElastic())
        .isZero();
    assertThat(RunOptions.of(Method.BRANCHES).trainElastic()).isZero();
    assertThat(RunOptions.of(Method.EWC, "split-mnist", Scenario.TASK).trainElastic()).isZero();
  }

  @Test
  void negativeShiftsAndDistortionsAreRefused() {
    RunOptions d = RunOptions.of(Method.BRANCHES);
    assertThatThrownBy(() -> withElastic(d, -0.5)).hasMessageContaining("--train-elastic");
    assertThatThrownBy(() -> withElastic(d, Double.NaN)).hasMessageContaining("--train-elastic");
  }

  private static RunOptions withElastic(RunOptions d, double px) {
    return new RunOptions(
        d.method(),
        d.hidden(),
        d.epochs(),
        d.batch(),
        d.lr(),
        d.gate(),
        d.granularity(),
        d.kind(),
        d.rank(),
        d.measure(),
        d.threshold(),
        d.maxBranches(),
        d.merge(),
        d.mergeBudget(),
        d.memoryPerTask(),
        d.strength(),
        d.gateEpochs(),
        d.gateLr(),
        d.seed(),
        d.gateHidden(),
        d.gateShift(),
        d.optimizer(),
        d.gateFresh(),
        d.trainShift(),
        d.mergeMethod(),
        d.cosineDecay(),
        d.testShift(),
        px);
  }
}
