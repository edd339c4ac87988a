package io.himoe.branches.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
}
