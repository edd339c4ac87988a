package io.himoe.branches.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.SyntheticTasks;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.NetworkConfig;
import io.himoe.branches.model.Prediction;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinualLearnerTest {

  private static final Dataset A = SyntheticTasks.blobs(4, 50, 12, 6, 11);
  // the same inputs seen through a permutation, with shifted labels: a conflicting task
  private static final Dataset B = SyntheticTasks.permuted(A, 5).relabel(c -> (c + 1) % 4);

  private static NetworkConfig net() {
    return NetworkConfig.of(12, 4).withHidden(32).withMaxBranches(4);
  }

  private static LearnerConfig cfg() {
    return LearnerConfig.ofDefaults().withTraining(15, 32, 0.05).withGate(20, 0.1);
  }

  static double accuracy(Prediction p, int[] y) {
    int ok = 0;
    for (int i = 0; i < y.length; i++) {
      ok += p.label(i) == y[i] ? 1 : 0;
    }
    return (double) ok / y.length;
  }

  @Test
  void sameTaskAgainFineTunesAndConflictingTaskSpawns() {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l = new ContinualLearner(n, cfg(), new EpisodicMemory(50, 1));
      assertThat(l.learn("a", A)).isInstanceOf(BranchEvent.FineTuned.class);
      BranchEvent again = l.learn("a-again", SyntheticTasks.blobs(4, 50, 12, 6, 11));
      assertThat(again).isInstanceOf(BranchEvent.FineTuned.class);
      assertThat(((BranchEvent.FineTuned) again).similarity()).isGreaterThanOrEqualTo(0);
      float[][] before = n.predictWith(0, A.x()).probabilities();
      BranchEvent b = l.learn("b", B);
      assertThat(b).isInstanceOf(BranchEvent.Spawned.class);
      BranchEvent.Spawned s = (BranchEvent.Spawned) b;
      assertThat(s.similarity()).isLessThan(0);
      assertThat(s.reason()).contains("conflict, spawn branch " + s.branch());
      // the old branch is untouched: no forgetting when the task is known
      assertThat(n.predictWith(l.branchOf("a"), A.x()).probabilities()).isDeepEqualTo(before);
      assertThat(accuracy(n.predictWith(l.branchOf("b"), B.x()), B.y())).isGreaterThan(0.9);
      // without the task id the gate, trained on the memory, routes each input to its branch
      Prediction pa = n.predict(A.x(), GateMode.topK(1));
      Prediction pb = n.predict(B.x(), GateMode.topK(1));
      assertThat(accuracy(pa, A.y())).isGreaterThan(0.85);
      assertThat(accuracy(pb, B.y())).isGreaterThan(0.85);
      assertThat(l.events()).hasSize(3);
    }
  }

  /** Share of each task's inputs the top-1 gate sends to that task's branch. */
  private static double routing(LearnerConfig c, int perTask) {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l = new ContinualLearner(n, c, new EpisodicMemory(perTask, 1));
      l.learn("a", A);
      l.learn("b", B);
      int ok = 0;
      for (int i : n.predict(A.x(), GateMode.topK(1)).branch()) {
        ok += i == l.branchOf("a") ? 1 : 0;
      }
      for (int i : n.predict(B.x(), GateMode.topK(1)).branch()) {
        ok += i == l.branchOf("b") ? 1 : 0;
      }
      return (double) ok / (A.size() + B.size());
    }
  }

  @Test
  void freshExamplesOfTheCurrentTaskTeachTheGateMoreThanItsFewEpisodes() {
    // one remembered episode per task: the stale gate sees one input of task b, the fresh one
    // draws a new one from b's training set in every pass
    double stale = routing(cfg(), 1);
    double fresh = routing(cfg().withGateFreshCurrent(true), 1);
    assertThat(fresh).as("stale %s", stale).isGreaterThan(stale + 0.05);
    assertThat(fresh).isGreaterThan(0.7);
  }

  @Test
  void adamWithCosineDecayLearnsEachTaskAsWellAsSgd() {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      LearnerConfig c =
          cfg()
              .withOptimizer(io.himoe.branches.model.Optimizer.adam())
              .withTraining(15, 32, 0.01)
              .withCosineDecay(true);
      ContinualLearner l = new ContinualLearner(n, c, new EpisodicMemory(50, 1));
      l.learn("a", A);
      l.learn("b", B);
      assertThat(accuracy(n.predictWith(l.branchOf("a"), A.x()), A.y())).isGreaterThan(0.9);
      assertThat(accuracy(n.predictWith(l.branchOf("b"), B.x()), B.y())).isGreaterThan(0.9);
    }
  }

  private static double afterConflict(LearnerConfig c) {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l = new ContinualLearner(n, c, new EpisodicMemory(50, 1));
      l.learn("a", A);
      l.learn("b", B);
      assertThat(n.branches()).hasSize(1);
      return accuracy(n.predictWith(0, A.x()), A.y());
    }
  }

  @Test
  void protectionsForgetLessThanNaiveFineTuning() {
    double naive = afterConflict(cfg().singleBranch(Protection.none()));
    double ewc = afterConflict(cfg().singleBranch(new Protection.Ewc(20)));
    double si = afterConflict(cfg().singleBranch(new Protection.Si(50, 0.1)));
    double l2 = afterConflict(cfg().singleBranch(new Protection.L2(1)));
    double replay = afterConflict(cfg().singleBranch(Protection.none()).withReplay(true));
    assertThat(ewc).as("EWC vs naive %s", naive).isGreaterThan(naive);
    assertThat(si).as("SI vs naive %s", naive).isGreaterThan(naive);
    assertThat(l2).as("L2 vs naive %s", naive).isGreaterThan(naive);
    assertThat(replay).as("replay vs naive %s", naive).isGreaterThan(naive);
  }

  @Test
  void fisherWeightedMeasureAlsoSeparatesConflict() {
    LearnerConfig c = cfg().withConflict(ConflictMeasure.FISHER_COSINE, 0.0);
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l = new ContinualLearner(n, c, new EpisodicMemory(50, 1));
      l.learn("a", A);
      assertThat(l.learn("b", B)).isInstanceOf(BranchEvent.Spawned.class);
    }
  }

  @Test
  void budgetStopsSpawningAndConsolidationMergesWithAReason() {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l =
          new ContinualLearner(n, cfg().withMaxBranches(2), new EpisodicMemory(50, 1));
      l.learn("a", A);
      l.learn("b", B);
      BranchEvent c = l.learn("c", SyntheticTasks.permuted(A, 9).relabel(k -> (k + 2) % 4));
      assertThat(n.branches()).hasSize(2);
      if (c instanceof BranchEvent.FineTuned f) {
        assertThat(f.reason()).contains("budget of 2 branches is reached");
      }
      List<BranchEvent> merged = l.consolidate(ConsolidationPolicy.of(1));
      assertThat(merged).hasSize(1).first().isInstanceOf(BranchEvent.Merged.class);
      assertThat(merged.getFirst().reason()).contains("exceed the budget m_max=1");
      assertThat(n.branches()).hasSize(1);
      int kept = ((BranchEvent.Merged) merged.getFirst()).kept();
      assertThat(l.branchOf("a")).isEqualTo(kept);
      assertThat(l.branchOf("b")).isEqualTo(kept);
      assertThat(l.memory().ofBranch(kept)).hasSize(l.memory().size());
    }
  }

  @Test
  void consolidationCanMergeByTruncatedSvd() {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l = new ContinualLearner(n, cfg(), new EpisodicMemory(50, 1));
      l.learn("a", A);
      l.learn("b", B);
      List<BranchEvent> merged =
          l.consolidate(ConsolidationPolicy.of(1).withMethod(MergeMethod.SVD));
      assertThat(merged).hasSize(1).first().isInstanceOf(BranchEvent.Merged.class);
      assertThat(merged.getFirst().reason())
          .contains("exceed the budget m_max=1")
          .contains("by truncated SVD to rank");
      assertThat(n.branches()).hasSize(1);
      assertThat(l.branchOf("b")).isEqualTo(l.branchOf("a"));
    }
  }

  @Test
  void unusedBranchWithoutGainIsCollected() {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l = new ContinualLearner(n, cfg(), new EpisodicMemory(50, 1));
      l.learn("a", A);
      l.learn("b", B);
      // branch 1 knows B; route only A through the gate so branch 1 is never chosen... but it
      // still gains a lot on its own episodes, so it is kept
      n.predict(A.x(), GateMode.topK(1));
      List<BranchEvent> none = l.consolidate(new ConsolidationPolicy(4, 0, 1, 0.5, 0.02));
      assertThat(none)
          .noneMatch(e -> e instanceof BranchEvent.Collected c && c.branch() == l.branchOf("b"));
      // a fresh copy of branch 0 that never gets used and gains nothing is collected
      int copy = n.spawn(l.branchOf("a"));
      List<BranchEvent> done = l.consolidate(new ConsolidationPolicy(4, 0, 1, 0.01, 0.02));
      assertThat(done).anyMatch(e -> e instanceof BranchEvent.Collected c && c.branch() == copy);
      assertThat(n.branches()).doesNotContain(copy);
    }
  }

  @Test
  void rejectsEmptyTasksAndUnknownTasks() {
    try (BranchedNetwork n = BranchedNetwork.create(net())) {
      ContinualLearner l = new ContinualLearner(n, cfg(), new EpisodicMemory(10, 1));
      assertThatThrownBy(() -> l.learn("x", new Dataset(new float[0][], new int[0])))
          .hasMessageContaining("task 'x' has no training data");
      assertThatThrownBy(() -> l.branchOf("nope"))
          .hasMessageContaining("task 'nope' was not learned");
    }
    assertThatThrownBy(() -> LearnerConfig.ofDefaults().withTraining(0, 1, 0.1))
        .hasMessageContaining("epochs must be > 0");
  }
}
