package io.himoe.branches.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.SyntheticTasks;
import org.junit.jupiter.api.Test;

/** Merging two branches by truncated SVD of their deltas (no data, no training). */
class SvdMergeTest {

  private static final Dataset BLOBS = SyntheticTasks.blobs(4, 40, 12, 6, 1);

  private static NetworkConfig cfg(BranchKind kind) {
    return NetworkConfig.of(12, 4)
        .withHidden(16)
        .withMaxBranches(4)
        .withBranches(Granularity.BLOCK, kind, 4);
  }

  private static void train(BranchedNetwork net, int branch, Dataset d, int epochs) {
    for (int e = 0; e < epochs; e++) {
      for (int from = 0; from < d.size(); from += 32) {
        Dataset b = d.slice(from, Math.min(d.size(), from + 32));
        net.trainStep(branch, b.x(), b.y(), 0.05);
      }
    }
  }

  private static double accuracy(Prediction p, int[] y) {
    int ok = 0;
    for (int i = 0; i < y.length; i++) {
      ok += p.label(i) == y[i] ? 1 : 0;
    }
    return (double) ok / y.length;
  }

  /** Mean total-variation distance between two branches' outputs. */
  private static double distance(float[][] a, float[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double tv = 0;
      for (int c = 0; c < a[i].length; c++) {
        tv += Math.abs(a[i][c] - b[i][c]);
      }
      s += tv / 2;
    }
    return s / a.length;
  }

  @Test
  void mergingTwoIdenticalBranchesIsExact() {
    for (BranchKind kind : BranchKind.values()) {
      try (BranchedNetwork net = BranchedNetwork.create(cfg(kind))) {
        train(net, 0, BLOBS, 5);
        int copy = net.spawn(0);
        float[][] before = net.predictWith(0, BLOBS.x()).probabilities();
        double dropped = net.mergeSvd(0, copy);
        assertThat(dropped).as(kind.name()).isCloseTo(0, within(1e-6));
        float[][] after = net.predictWith(0, BLOBS.x()).probabilities();
        for (int i = 0; i < before.length; i++) {
          for (int c = 0; c < before[i].length; c++) {
            assertThat(after[i][c]).as(kind.name()).isCloseTo(before[i][c], within(1e-5f));
          }
        }
      }
    }
  }

  @Test
  void aMergeOfTwoSimilarBranchesStaysCloseToBothOnTheirProbes() {
    Dataset first = BLOBS.slice(0, BLOBS.size() / 2);
    Dataset second = BLOBS.slice(BLOBS.size() / 2, BLOBS.size());
    for (BranchKind kind : BranchKind.values()) {
      try (BranchedNetwork net = BranchedNetwork.create(cfg(kind))) {
        train(net, 0, BLOBS, 5);
        int child = net.spawn(0);
        // the two branches drift apart a little: each trains on its own half
        train(net, 0, first, 3);
        train(net, child, second, 3);
        float[][] p0 = net.predictWith(0, BLOBS.x()).probabilities();
        float[][] p1 = net.predictWith(child, BLOBS.x()).probabilities();
        double acc0 = accuracy(net.predictWith(0, BLOBS.x()), BLOBS.y());
        double acc1 = accuracy(net.predictWith(child, BLOBS.x()), BLOBS.y());
        double apart = distance(p0, p1);
        net.mergeSvd(0, child);
        float[][] merged = net.predictWith(0, BLOBS.x()).probabilities();
        assertThat(apart).as(kind.name()).isPositive();
        // strictly between the two: the merge moved branch 0 towards the other
        assertThat(distance(merged, p0)).as(kind.name()).isPositive().isLessThan(apart);
        assertThat(distance(merged, p1)).as(kind.name()).isLessThan(apart);
        assertThat(accuracy(net.predictWith(0, BLOBS.x()), BLOBS.y()))
            .as(kind.name())
            .isGreaterThanOrEqualTo(Math.min(acc0, acc1) - 0.02);
      }
    }
  }

  @Test
  void aBranchCannotMergeIntoItself() {
    try (BranchedNetwork net = BranchedNetwork.create(cfg(BranchKind.LOW_RANK))) {
      assertThatThrownBy(() -> net.mergeSvd(0, 0)).hasMessageContaining("into itself");
      assertThatThrownBy(() -> net.mergeSvd(0, 3)).hasMessageContaining("branch 3 is not live");
    }
  }
}
