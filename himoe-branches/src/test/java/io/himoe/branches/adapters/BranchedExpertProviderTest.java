package io.himoe.branches.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.learning.LearnerConfig;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.NetworkConfig;
import io.himoe.branches.vision.DigitImageEncoder;
import io.himoe.branches.vision.DigitImages;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertProvider;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code branched} kind end to end, without MNIST: a learner trained on drawn rings and strokes
 * (images through {@link DigitImageEncoder}) is saved, found through {@link ExpertProvider}, and
 * answers image files it has never seen.
 */
class BranchedExpertProviderTest {

  @TempDir Path dir;

  private static Dataset drawn(int perClass, long seed) {
    Random r = new Random(seed);
    DigitImageEncoder enc = DigitImageEncoder.mnist();
    float[][] x = new float[2 * perClass][];
    int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = i % 2;
      x[i] = enc.encode(InputData.bytes(DigitImages.draw(y[i], r, "png"))).vector();
    }
    return new Dataset(x, y);
  }

  private Path trainedLearner() throws Exception {
    Path file = dir.resolve("rings-and-strokes.learner");
    try (BranchedNetwork n =
        BranchedNetwork.create(NetworkConfig.of(784, 2).withHidden(32).withSeed(2))) {
      ContinualLearner learner =
          new ContinualLearner(
              n,
              LearnerConfig.ofDefaults().withTraining(10, 16, 0.05).withGate(10, 0.1),
              new EpisodicMemory(20, 1));
      learner.learn("rings and strokes", drawn(40, 1));
      learner.save(file);
    }
    return file;
  }

  @Test
  void theKindIsFoundAndAnswersImageFiles() throws Exception {
    Path file = trainedLearner();
    ExpertProvider p = ExpertProvider.find("branched").orElseThrow();
    Expert e = p.create("shapes", Map.of("learner", file.toString(), "labels", "ring,stroke"));
    Random r = new Random(99);
    int ok = 0;
    for (int i = 0; i < 20; i++) {
      int digit = i % 2;
      ExpertOut out =
          e.infer(
              InputData.bytes(DigitImages.draw(digit, r, i % 4 == 0 ? "jpg" : "png")),
              Context.of(Duration.ofSeconds(5)));
      ok += out.value().equals(Value.text(digit == 0 ? "ring" : "stroke")) ? 1 : 0;
      assertThat(out.aux().confidence()).isBetween(0.0, 1.0);
    }
    assertThat(ok).isGreaterThanOrEqualTo(18);
  }

  @Test
  void badOptionsNameTheOption() throws Exception {
    ExpertProvider p = new BranchedExpertProvider();
    assertThatThrownBy(() -> p.create("x", Map.of()))
        .hasMessageContaining("options.learner: required");
    assertThatThrownBy(() -> p.create("x", Map.of("learner", dir.resolve("none").toString())))
        .hasMessageStartingWith("options.learner: ")
        .hasMessageContaining("none");
    Path garbage = Files.writeString(dir.resolve("garbage"), "not a learner");
    assertThatThrownBy(() -> p.create("x", Map.of("learner", garbage.toString())))
        .hasMessageStartingWith("options.learner: ");
    Path file = trainedLearner();
    assertThatThrownBy(() -> p.create("x", Map.of("learner", file.toString(), "labels", "a,b,c")))
        .hasMessageContaining("options.labels: 3 labels given, the learner's network has 2");
    assertThatThrownBy(() -> p.create("x", Map.of("learner", file.toString(), "gate", "best")))
        .hasMessageContaining("options.gate: 'best'");
    assertThatThrownBy(() -> p.create("x", Map.of("learner", file.toString(), "colour", "red")))
        .hasMessageContaining("options.colour: unknown option");
    assertThat(ExpertProvider.find("no-such-kind")).isEmpty();
  }
}
