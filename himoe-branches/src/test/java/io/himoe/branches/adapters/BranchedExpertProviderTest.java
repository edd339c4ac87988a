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
    Expert e =
        p.create(
            "shapes",
            Map.of("learner", file.toString(), "labels", "ring,stroke", "answer", "label"));
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
    assertThatThrownBy(() -> p.create("x", Map.of("learner", file.toString(), "answer", "all")))
        .hasMessageContaining("options.answer: 'all'");
    assertThatThrownBy(
            () -> p.create("x", Map.of("learner", file.toString(), "feedback_batch", "0")))
        .hasMessageContaining("options.feedback_batch: '0'");
    assertThat(ExpertProvider.find("no-such-kind")).isEmpty();
  }

  @Test
  void answersCarryEveryClassProbabilityAndFeedbackTeachesANewClassThatIsSaved() throws Exception {
    // a learner that has only ever seen rings and strokes (class 2, bars, never taught)
    Path file = dir.resolve("three.learner");
    try (BranchedNetwork n =
        BranchedNetwork.create(NetworkConfig.of(784, 3).withHidden(32).withSeed(2))) {
      ContinualLearner learner =
          new ContinualLearner(
              n,
              LearnerConfig.ofDefaults().withTraining(10, 16, 0.05).withGate(20, 0.1),
              new EpisodicMemory(30, 1));
      learner.learn("rings and strokes", drawn(40, 1));
      learner.save(file);
    }
    ExpertProvider p = ExpertProvider.find("branched").orElseThrow();
    Expert e =
        p.create(
            "shapes",
            Map.of(
                "learner", file.toString(), "labels", "ring,stroke,bar", "feedback_batch", "40"));
    Random r = new Random(5);
    ExpertOut out =
        e.infer(InputData.bytes(DigitImages.draw(0, r, "png")), Context.of(Duration.ofSeconds(5)));
    com.fasterxml.jackson.databind.JsonNode j = out.value().asJson().orElseThrow();
    assertThat(j.get("label").asText()).isEqualTo("ring");
    assertThat(j.get("probabilities").size()).isEqualTo(3);
    double sum = 0;
    for (String c : new String[] {"ring", "stroke", "bar"}) {
      sum += j.get("probabilities").get(c).asDouble();
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-3));
    assertThat(j.get("confidence").asDouble())
        .isEqualTo(out.aux().confidence(), org.assertj.core.api.Assertions.within(1e-4));

    double ringsBefore = accuracy(e, 0, 30, 11);
    // feedback: 40 labelled bars, the class the learner never saw
    Random fb = new Random(7);
    for (int i = 0; i < 40; i++) {
      e.asLearning()
          .orElseThrow()
          .learn(
              new io.himoe.experts.ExpertFeedback(
                  "t" + i,
                  "main",
                  InputData.bytes(DigitImages.draw(2, fb, "png")),
                  1,
                  java.util.OptionalDouble.empty(),
                  java.util.Optional.empty(),
                  java.util.Optional.of("bar")));
    }
    assertThat(accuracy(e, 2, 30, 12)).as("bars after feedback").isGreaterThanOrEqualTo(0.9);
    assertThat(accuracy(e, 0, 30, 11)).as("rings kept").isGreaterThanOrEqualTo(ringsBefore - 0.05);
    assertThat(accuracy(e, 1, 30, 13)).as("strokes kept").isGreaterThanOrEqualTo(0.9);
    // saved over the learner file: a restarted server knows bars
    ContinualLearner reloaded = ContinualLearner.load(file);
    try {
      assertThat(reloaded.events()).hasSize(2);
    } finally {
      reloaded.network().close();
    }
  }

  private static double accuracy(Expert e, int digit, int n, long seed) throws Exception {
    Random r = new Random(seed);
    String[] names = {"ring", "stroke", "bar"};
    int ok = 0;
    for (int i = 0; i < n; i++) {
      ExpertOut out =
          e.infer(
              InputData.bytes(DigitImages.draw(digit, r, "png")),
              Context.of(Duration.ofSeconds(5)));
      ok += out.value().asJson().orElseThrow().get("label").asText().equals(names[digit]) ? 1 : 0;
    }
    return (double) ok / n;
  }
}
