package io.himoe.quantum.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitMnistRoutesTest {

  /** Writes an IDX pair of {@code n} images; image i is all pixels = 10·label, label = i % 10. */
  static void writeIdx(Path dir, String prefix, int n) throws IOException {
    try (DataOutputStream im =
            new DataOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
        DataOutputStream lb =
            new DataOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
      im.writeInt(0x803);
      im.writeInt(n);
      im.writeInt(28);
      im.writeInt(28);
      lb.writeInt(0x801);
      lb.writeInt(n);
      for (int i = 0; i < n; i++) {
        int label = i % 10;
        byte[] px = new byte[784];
        java.util.Arrays.fill(px, (byte) (10 * label));
        im.write(px);
        lb.writeByte(label);
      }
    }
  }

  @Test
  void tasksArePairsOfDigitsRoutedToTheirTask(@TempDir Path dir) throws IOException {
    writeIdx(dir, "train", 100);
    writeIdx(dir, "t10k", 50);
    List<RouteTask> tasks = SplitMnistRoutes.load(dir, 6, 4);
    assertThat(tasks).hasSize(5);
    for (int t = 0; t < 5; t++) {
      RouteTask task = tasks.get(t);
      assertThat(task.name()).isEqualTo("digits " + 2 * t + "/" + (2 * t + 1));
      assertThat(task.trainX()).hasNumberOfRows(6);
      assertThat(task.testX()).hasNumberOfRows(4);
      assertThat(task.trainRoutes()).containsOnly(t);
      for (float[] x : task.trainX()) {
        assertThat(x).hasSize(SplitMnistRoutes.FEATURES);
        // a flat image of value 10·label pools to that value / 255 everywhere
        double v = x[0] * 255;
        assertThat(Math.min(Math.abs(v - 20.0 * t), Math.abs(v - (20.0 * t + 10))))
            .isLessThan(1e-3);
      }
    }
  }

  @Test
  void poolingAveragesSevenBySevenBlocks() {
    byte[] px = new byte[784];
    for (int r = 0; r < 7; r++) {
      for (int c = 21; c < 28; c++) {
        px[r * 28 + c] = (byte) 255; // top-right block
      }
    }
    px[27 * 28 + 27] = (byte) 255; // one pixel of the bottom-right block
    float[] f = SplitMnistRoutes.pool(px);
    assertThat(f[3]).isEqualTo(1f);
    assertThat(f[15]).isCloseTo(1f / 49, within(1e-6f));
    assertThat(f[0]).isZero();
  }

  @Test
  void aMissingFileNamesTheFetchScript(@TempDir Path dir) {
    assertThatThrownBy(() -> SplitMnistRoutes.load(dir, 1, 1))
        .hasMessageContaining("train-images-idx3-ubyte not found")
        .hasMessageContaining("fetch-mnist.sh");
  }
}
