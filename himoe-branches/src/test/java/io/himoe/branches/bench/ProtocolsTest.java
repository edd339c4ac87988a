package io.himoe.branches.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.shared.VectorFile;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocolsTest {

  @TempDir Path dir;

  private void idx(String name, int magic, int[] dims, byte[] data) throws IOException {
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(name)))) {
      o.writeInt(magic);
      for (int d : dims) {
        o.writeInt(d);
      }
      o.write(data);
    }
  }

  @Test
  void theValidationSplitHoldsOutTheLastSixthOfTheTrainingImagesAndNeverReadsTheTestSet()
      throws IOException {
    // 60 training images of 1 pixel whose value is their index, labels 0..9 in turn; no t10k files
    byte[] pixels = new byte[60];
    byte[] labels = new byte[60];
    for (int i = 0; i < 60; i++) {
      pixels[i] = (byte) i;
      labels[i] = (byte) (i % 10);
    }
    idx("train-images-idx3-ubyte", 0x803, new int[] {60, 1, 1}, pixels);
    idx("train-labels-idx1-ubyte", 0x801, new int[] {60}, labels);
    Protocol p = Protocols.splitMnist(dir, Scenario.CLASS, 60, true);
    int train = 0;
    int test = 0;
    for (ClTask t : p.tasks()) {
      train += t.train().size();
      test += t.test().size();
      for (float[] x : t.test().x()) {
        // held-out images are the last 10 of the training file (pixel value 50..59)
        assertThat(Math.round(x[0] * 255)).isBetween(50, 59);
      }
      for (float[] x : t.train().x()) {
        assertThat(Math.round(x[0] * 255)).isLessThan(50);
      }
      int[] digits = t.classes();
      assertThat(Arrays.stream(t.test().y()).allMatch(y -> y == digits[0] || y == digits[1]))
          .isTrue();
    }
    assertThat(train).isEqualTo(50);
    assertThat(test).isEqualTo(10);
  }

  private Path clinc() throws IOException {
    Path d = dir.resolve("clinc");
    Files.createDirectories(d);
    String rows =
        String.join(
            "\n",
            "{\"text\": \"book a flight\", \"intent\": \"book_flight\", \"domain\": \"travel\"}",
            "",
            "{\"text\": \"what is my balance\", \"intent\": \"balance\", \"domain\": \"banking\"}",
            "{\"text\": \"sing me a song\", \"intent\": \"oos\", \"domain\": \"oos\"}",
            "{\"text\": \"lost luggage\", \"intent\": \"lost_luggage\", \"domain\": \"travel\"}");
    Files.writeString(d.resolve("train.jsonl"), rows);
    Files.writeString(d.resolve("val.jsonl"), rows);
    return d;
  }

  @Test
  void clincOnPrecomputedEmbeddingsUsesEachUtterancesVectorAtNormTen() throws IOException {
    Path data = clinc();
    Path features = dir.resolve("features");
    List<float[]> v =
        List.of(
            new float[] {3, 4, 0},
            new float[] {0, 1, 0},
            new float[] {1, 1, 1},
            new float[] {0, 0, 2});
    new VectorFile("minilm", v).write(features.resolve("train.vec"));
    new VectorFile("minilm", v).write(features.resolve("val.vec"));
    Protocol p = Protocols.clincDomains(data, Scenario.CLASS, features, false);
    assertThat(p.inputs()).isEqualTo(3);
    assertThat(p.tasks()).extracting(ClTask::name).containsExactly("travel", "banking");
    ClTask travel = p.tasks().getFirst();
    // rows 0 and 3 of the file (the blank line is not a row; the oos row belongs to no task)
    assertThat(travel.train().x()[0]).containsExactly(6f, 8f, 0f);
    assertThat(travel.train().x()[1]).containsExactly(0f, 0f, 10f);
    assertThat(p.tasks().get(1).test().x()[0]).containsExactly(0f, 10f, 0f);
  }

  @Test
  void clincEmbeddingsThatDoNotMatchTheirUtterancesAreRefusedNamingTheFile() throws IOException {
    Path data = clinc();
    Path features = dir.resolve("features");
    new VectorFile("minilm", List.of(new float[] {1, 2})).write(features.resolve("train.vec"));
    assertThatThrownBy(() -> Protocols.clincDomains(data, Scenario.CLASS, features, false))
        .hasMessageContaining("train.vec has 1 vectors but train.jsonl has 4 utterances")
        .hasMessageContaining("himoe eval embed");
    List<float[]> four = Collections.nCopies(4, new float[] {1, 2});
    new VectorFile("minilm", four).write(features.resolve("train.vec"));
    assertThatThrownBy(() -> Protocols.clincDomains(data, Scenario.CLASS, features, false))
        .hasMessageContaining("val.vec")
        .hasMessageContaining("no such vector file");
    new VectorFile("hashing-2", four).write(features.resolve("val.vec"));
    assertThatThrownBy(() -> Protocols.clincDomains(data, Scenario.CLASS, features, false))
        .hasMessageContaining("different encoders");
  }

  @Test
  void clincValidationHoldsOutEverySixthTrainingUtteranceAndNeverReadsTheTestFiles()
      throws IOException {
    Path data = dir.resolve("clinc-val");
    Files.createDirectories(data);
    StringBuilder rows = new StringBuilder();
    List<float[]> v = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.append(
          "{\"text\": \"q" + i + "\", \"intent\": \"i" + (i % 2) + "\", \"domain\": \"d\"}\n");
      v.add(new float[] {i + 1, 0});
    }
    Files.writeString(data.resolve("train.jsonl"), rows);
    Path features = dir.resolve("features-val");
    new VectorFile("minilm", v).write(features.resolve("train.vec"));
    // no val.jsonl, no val.vec: validation must not need them
    Protocol p = Protocols.clincDomains(data, Scenario.CLASS, features, true);
    ClTask t = p.tasks().getFirst();
    assertThat(t.train().size()).isEqualTo(10);
    assertThat(t.test().size()).isEqualTo(2);
    assertThat(t.test().x()[0]).containsExactly(10f, 0f); // row 5, scaled to norm 10
    assertThat(t.test().y()).containsExactly(1, 1); // rows 5 and 11: intent i1
    Protocol hashed = Protocols.clincDomains(data, Scenario.DOMAIN, 64, true);
    assertThat(hashed.tasks().getFirst().test().size()).isEqualTo(2);
  }
}
