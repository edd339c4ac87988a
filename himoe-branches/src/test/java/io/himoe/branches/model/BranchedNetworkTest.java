package io.himoe.branches.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.SyntheticTasks;
import java.util.List;
import org.junit.jupiter.api.Test;

class BranchedNetworkTest {

  private static final Dataset BLOBS = SyntheticTasks.blobs(4, 40, 12, 6, 1);

  private static NetworkConfig small() {
    return NetworkConfig.of(12, 4).withHidden(16).withMaxBranches(4);
  }

  private static double accuracy(Prediction p, int[] y) {
    int ok = 0;
    for (int i = 0; i < y.length; i++) {
      ok += p.label(i) == y[i] ? 1 : 0;
    }
    return (double) ok / y.length;
  }

  private static void train(BranchedNetwork net, int branch, Dataset d, int epochs) {
    for (int e = 0; e < epochs; e++) {
      for (int from = 0; from < d.size(); from += 32) {
        Dataset b = d.slice(from, Math.min(d.size(), from + 32));
        net.trainStep(branch, b.x(), b.y(), 0.05);
      }
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      Dataset b = BLOBS.slice(0, 8);
      float[] g = net.gradient(0, b.x(), b.y());
      List<NDArray> params = net.ownParams(0);
      // first parameter (the first layer's weights), a few coordinates
      NDArray w = params.getFirst();
      for (int idx : new int[] {0, 5, 17, 100}) {
        double eps = 1e-2;
        nudge(w, idx, eps);
        double up = net.loss(0, b.x(), b.y());
        nudge(w, idx, -2 * eps);
        double down = net.loss(0, b.x(), b.y());
        nudge(w, idx, eps);
        double numeric = (up - down) / (2 * eps);
        assertThat((double) g[idx]).as("d loss / d w[%d]", idx).isCloseTo(numeric, within(2e-3));
      }
    }
  }

  private static void nudge(NDArray w, int idx, double by) {
    float[] d = new float[(int) w.size()];
    d[idx] = (float) by;
    try (NDArray delta = w.getManager().create(d, w.getShape())) {
      w.stopGradient().addi(delta);
    }
  }

  @Test
  void trainingLearnsSeparableClasses() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      float before = net.loss(0, BLOBS.x(), BLOBS.y());
      train(net, 0, BLOBS, 20);
      assertThat(net.loss(0, BLOBS.x(), BLOBS.y())).isLessThan(before / 4);
      assertThat(accuracy(net.predictWith(0, BLOBS.x()), BLOBS.y())).isGreaterThan(0.95);
    }
  }

  @Test
  void spawnCopiesAndTrainingTheChildLeavesTheParentUntouched() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      train(net, 0, BLOBS, 5);
      int child = net.spawn(0);
      assertThat(child).isEqualTo(1);
      assertThat(net.branches()).containsExactly(0, 1);
      float[][] before = net.predictWith(0, BLOBS.x()).probabilities();
      assertThat(net.predictWith(child, BLOBS.x()).probabilities()).isDeepEqualTo(before);
      Dataset other = BLOBS.relabel(c -> 3 - c);
      train(net, child, other, 10);
      assertThat(net.predictWith(0, BLOBS.x()).probabilities()).isDeepEqualTo(before);
      assertThat(accuracy(net.predictWith(child, other.x()), other.y())).isGreaterThan(0.9);
      assertThat(net.sharedFrozen()).isTrue();
    }
  }

  @Test
  void lowRankBranchesAreSmallAndStartAtTheBase() {
    NetworkConfig cfg = small().withBranches(Granularity.BLOCK, BranchKind.LOW_RANK, 2);
    try (BranchedNetwork net = BranchedNetwork.create(cfg)) {
      train(net, 0, BLOBS, 20);
      assertThat(accuracy(net.predictWith(0, BLOBS.x()), BLOBS.y())).isGreaterThan(0.9);
      int child = net.spawn(0);
      // rank 2: (12+16)*2 + 16 and (16+4)*2 + 4 floats, against 12*16+16 + 16*4+4 for a copy
      assertThat(net.branchParameterCount(child)).isEqualTo((12 + 16) * 2 + 16 + (16 + 4) * 2 + 4);
      assertThat(net.branchParameterCount(child)).isLessThan(net.singleNetworkParameters());
      float[][] parent = net.predictWith(0, BLOBS.x()).probabilities();
      train(net, child, BLOBS.relabel(c -> 3 - c), 5);
      assertThat(net.predictWith(0, BLOBS.x()).probabilities()).isDeepEqualTo(parent);
    }
  }

  @Test
  void headGranularitySharesTheTrunk() {
    NetworkConfig cfg = small().withBranches(Granularity.HEAD, BranchKind.FULL, 1);
    try (BranchedNetwork net = BranchedNetwork.create(cfg)) {
      assertThat(net.branchParameterCount(0)).isEqualTo(16 * 4 + 4);
      net.spawn(0);
      // trunk (12*16+16) once, two heads
      assertThat(net.parameterCount() - gateSize(cfg)).isEqualTo(12 * 16 + 16 + 2 * (16 * 4 + 4));
    }
  }

  private static long gateSize(NetworkConfig c) {
    return (long) c.inputs() * c.gateHidden()
        + c.gateHidden()
        + (long) c.gateHidden() * c.maxBranches()
        + c.maxBranches();
  }

  @Test
  void gateModesComputeOnlyWhatTheyNeed() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      train(net, 0, BLOBS, 10);
      net.spawn(0);
      net.spawn(0);
      int n = BLOBS.size();
      assertThat(net.predict(BLOBS.x(), GateMode.soft()).branchEvaluations()).isEqualTo(3L * n);
      assertThat(net.predict(BLOBS.x(), GateMode.topK(1)).branchEvaluations()).isEqualTo(n);
      assertThat(net.predict(BLOBS.x(), GateMode.topK(2)).branchEvaluations()).isEqualTo(2L * n);
      Prediction pv = net.predict(BLOBS.x(), GateMode.parallel(2, Verifier.confidence()));
      assertThat(pv.branchEvaluations()).isEqualTo(2L * n);
      for (float[] p : net.predict(BLOBS.x(), GateMode.soft()).probabilities()) {
        double s = 0;
        for (float v : p) {
          s += v;
        }
        assertThat(s).isCloseTo(1.0, within(1e-4));
      }
    }
  }

  @Test
  void verifierKeepsTheBranchThatKnowsTheTask() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      int other = net.spawn(0);
      // branch 1 learns the task, branch 0 stays untrained: the confidence verifier must pick 1
      train(net, other, BLOBS, 20);
      Prediction p = net.predict(BLOBS.x(), GateMode.parallel(2, Verifier.confidence()));
      assertThat(accuracy(p, BLOBS.y())).isGreaterThan(0.95);
      long picked1 = java.util.Arrays.stream(p.branch()).filter(b -> b == other).count();
      assertThat(picked1).isGreaterThan(BLOBS.size() * 9L / 10);
      // a rule verifier that only allows class 0 keeps the branch with more mass on class 0
      Prediction rule = net.predict(BLOBS.x(), GateMode.parallel(2, Verifier.rule(c -> c == 0)));
      for (int i = 0; i < rule.size(); i++) {
        assertThat(rule.probabilities()[i][0]).isGreaterThan(0f);
      }
    }
  }

  @Test
  void gateLearnsToRouteContextsToBranches() {
    Dataset a = SyntheticTasks.blobs(2, 60, 12, 8, 3);
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      int b = net.spawn(0);
      int[] target = new int[a.size()];
      for (int i = 0; i < target.length; i++) {
        target[i] = a.y()[i] == 0 ? 0 : b;
      }
      double first = net.trainGate(a.x(), target, 0.1, 16);
      double last = first;
      for (int e = 0; e < 30; e++) {
        last = net.trainGate(a.x(), target, 0.1, 16);
      }
      assertThat(last).isLessThan(first);
      Prediction p = net.predict(a.x(), GateMode.topK(1));
      int ok = 0;
      for (int i = 0; i < target.length; i++) {
        ok += p.branch()[i] == target[i] ? 1 : 0;
      }
      assertThat(ok).isGreaterThan(a.size() * 9 / 10);
      assertThat(net.usage()[0] + net.usage()[b]).isEqualTo(a.size());
    }
  }

  @Test
  void badInputNamesTheProblem() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      assertThatThrownBy(() -> net.predictWith(3, BLOBS.x()))
          .hasMessageContaining("branch 3 is not live");
      assertThatThrownBy(() -> net.remove(0)).hasMessageContaining("last one");
      assertThatThrownBy(() -> net.trainStep(0, new float[][] {{1f}}, new int[] {0}, 0.1))
          .hasMessageContaining("input 0 has 1 features, the network expects 12");
      assertThatThrownBy(() -> net.loss(0, BLOBS.slice(0, 1).x(), new int[] {9}))
          .hasMessageContaining("label 0 is 9");
      for (int i = 0; i < 3; i++) {
        net.spawn(0);
      }
      assertThatThrownBy(() -> net.spawn(0)).hasMessageContaining("all 4 branch slots are taken");
    }
    assertThatThrownBy(() -> NetworkConfig.of(0, 2)).hasMessageContaining("inputs must be > 0");
  }
}
