package io.himoe.branches.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.SyntheticTasks;
import org.junit.jupiter.api.Test;

class OptimizerTest {

  private static final Dataset BLOBS = SyntheticTasks.blobs(4, 40, 12, 6, 1);

  private static NetworkConfig small() {
    return NetworkConfig.of(12, 4).withHidden(16).withMaxBranches(4);
  }

  @Test
  void adamsFirstStepMovesEveryWeightByTheLearningRateAgainstItsGradient() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      Dataset b = BLOBS.slice(0, 16);
      float[] g = net.gradient(0, b.x(), b.y());
      float[] before = net.weights(0);
      net.trainStep(0, b.x(), b.y(), 0.01, Optimizer.adam());
      float[] after = net.weights(0);
      int checked = 0;
      for (int i = 0; i < g.length; i++) {
        double step = after[i] - before[i];
        // bias-corrected m/sqrt(v) is g/|g| on the first step: a step of lr, whatever |g|
        assertThat(Math.abs(step)).isLessThanOrEqualTo(0.01 + 1e-6);
        if (Math.abs(g[i]) > 1e-4) {
          assertThat(step).as("weight %d", i).isCloseTo(-0.01 * Math.signum(g[i]), within(1e-4));
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(g.length / 4);
    }
  }

  @Test
  void adamTrainsABranchAndLeavesTheOthersAlone() {
    try (BranchedNetwork net = BranchedNetwork.create(small())) {
      int child = net.spawn(0);
      float[] parent = net.weights(0);
      for (int e = 0; e < 30; e++) {
        for (int from = 0; from < BLOBS.size(); from += 32) {
          Dataset b = BLOBS.slice(from, Math.min(BLOBS.size(), from + 32));
          net.trainStep(child, b.x(), b.y(), 0.01, Optimizer.adam());
        }
      }
      Prediction p = net.predictWith(child, BLOBS.x());
      int ok = 0;
      for (int i = 0; i < BLOBS.size(); i++) {
        ok += p.label(i) == BLOBS.y()[i] ? 1 : 0;
      }
      assertThat((double) ok / BLOBS.size()).isGreaterThan(0.9);
      assertThat(net.weights(0)).containsExactly(parent);
    }
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new Optimizer.Sgd(1.0)).hasMessageContaining("momentum");
    assertThatThrownBy(() -> new Optimizer.Adam(0.9, 1.0, 1e-8)).hasMessageContaining("betas");
    assertThatThrownBy(() -> new Optimizer.Adam(0.9, 0.999, 0)).hasMessageContaining("epsilon");
  }
}
