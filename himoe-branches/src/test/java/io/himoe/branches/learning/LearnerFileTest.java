package io.himoe.branches.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.SyntheticTasks;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.NetworkConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerFileTest {

  private static final Dataset A = SyntheticTasks.blobs(4, 50, 12, 6, 11);
  private static final Dataset B = SyntheticTasks.permuted(A, 5).relabel(c -> (c + 1) % 4);
  private static final Dataset C = SyntheticTasks.permuted(A, 9).relabel(c -> (c + 2) % 4);

  @TempDir Path dir;

  private static LearnerConfig cfg() {
    return LearnerConfig.ofDefaults()
        .withTraining(10, 32, 0.05)
        .withGate(10, 0.1)
        .withProtection(new Protection.Ewc(20))
        .withConflict(ConflictMeasure.COSINE, 0.1)
        .withOptimizer(io.himoe.branches.model.Optimizer.adam())
        .withCosineDecay(true)
        .withGateAugmentation(Augmentation.shift(4, 3, 1))
        .withTrainAugmentation(
            Augmentation.shift(4, 3, 1).andThen(Augmentation.elastic(4, 3, 2, 0.5)));
  }

  private static ContinualLearner trained(BranchedNetwork n) {
    ContinualLearner l = new ContinualLearner(n, cfg(), new EpisodicMemory(40, 1));
    l.learn("a", A);
    l.learn("b", B);
    return l;
  }

  @Test
  void aLoadedLearnerPredictsExactlyAsTheSavedOneAndResumesTheSameWay() throws IOException {
    Path file = dir.resolve("learner.himoe");
    try (BranchedNetwork n = BranchedNetwork.create(NetworkConfig.of(12, 4).withMaxBranches(4))) {
      ContinualLearner saved = trained(n);
      saved.save(file);
      ContinualLearner loaded = ContinualLearner.load(file);
      try (BranchedNetwork m = loaded.network()) {
        assertThat(m.config()).isEqualTo(n.config());
        assertThat(m.branches()).isEqualTo(n.branches());
        for (int b : n.branches()) {
          assertThat(m.weights(b)).as("weights of %d", b).containsExactly(n.weights(b));
          assertThat(m.predictWith(b, A.x()).probabilities())
              .isDeepEqualTo(n.predictWith(b, A.x()).probabilities());
        }
        assertThat(m.gateWeights(B.x())).isDeepEqualTo(n.gateWeights(B.x()));
        assertThat(m.predict(A.x(), GateMode.topK(1)).probabilities())
            .isDeepEqualTo(n.predict(A.x(), GateMode.topK(1)).probabilities());
        assertThat(loaded.branchOf("a")).isEqualTo(saved.branchOf("a"));
        assertThat(loaded.branchOf("b")).isEqualTo(saved.branchOf("b"));
        assertThat(loaded.events()).isEqualTo(saved.events());
        assertThat(loaded.memory().episodes()).isEqualTo(saved.memory().episodes());
        assertThat(loaded.config()).isEqualTo(saved.config());
        // the stored gradients, Fisher and random streams came back: the next decision is the same
        BranchEvent next = saved.learn("c", C);
        BranchEvent resumed = loaded.learn("c", C);
        assertThat(resumed.getClass()).isEqualTo(next.getClass());
        double s1 =
            next instanceof BranchEvent.Spawned s
                ? s.similarity()
                : ((BranchEvent.FineTuned) next).similarity();
        double s2 =
            resumed instanceof BranchEvent.Spawned s
                ? s.similarity()
                : ((BranchEvent.FineTuned) resumed).similarity();
        assertThat(s2).isCloseTo(s1, within(1e-5));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void savingAgainReplacesTheFileWhole() throws IOException {
    Path file = dir.resolve("learner.himoe");
    Files.writeString(file, "an older, unrelated content");
    try (BranchedNetwork n = BranchedNetwork.create(NetworkConfig.of(12, 4).withMaxBranches(4))) {
      trained(n).save(file);
    }
    try (BranchedNetwork m = ContinualLearner.load(file).network()) {
      assertThat(m.branches()).hasSize(2);
    }
  }

  @Test
  void wrongCorruptTruncatedOrNewerFilesAreRefusedByName() throws IOException {
    Path good = dir.resolve("good.himoe");
    try (BranchedNetwork n = BranchedNetwork.create(NetworkConfig.of(12, 4).withMaxBranches(4))) {
      trained(n).save(good);
    }
    byte[] bytes = Files.readAllBytes(good);

    Path missing = dir.resolve("missing.himoe");
    assertThatThrownBy(() -> ContinualLearner.load(missing))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no such");

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "not a learner at all, just some text");
    assertThatThrownBy(() -> ContinualLearner.load(text))
        .hasMessageContaining(text.toString())
        .hasMessageContaining("not a himoe branches learner state file");

    Path newer = dir.resolve("newer.himoe");
    byte[] v2 = bytes.clone();
    ByteBuffer.wrap(v2, LearnerFile.MAGIC.length, 4).putInt(LearnerFile.VERSION + 1);
    Files.write(newer, v2);
    assertThatThrownBy(() -> ContinualLearner.load(newer))
        .hasMessageContaining(newer.toString())
        .hasMessageContaining("newer format version (" + (LearnerFile.VERSION + 1) + ")");

    Path flipped = dir.resolve("flipped.himoe");
    byte[] f = bytes.clone();
    f[f.length / 2] ^= 0x5A;
    Files.write(flipped, f);
    assertThatThrownBy(() -> ContinualLearner.load(flipped))
        .hasMessageContaining(flipped.toString())
        .hasMessageContaining("checksum mismatch");

    Path cut = dir.resolve("cut.himoe");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    assertThatThrownBy(() -> ContinualLearner.load(cut))
        .hasMessageContaining(cut.toString())
        .hasMessageContaining("corrupt");
  }
}
