package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorFileTest {

  @TempDir Path dir;

  @Test
  void rowsAndEncoderSurviveTheRoundTripBitForBit() throws IOException {
    List<float[]> rows =
        List.of(new float[] {0.5f, -1f, Float.MIN_VALUE}, new float[] {3f, 0f, -0f});
    Path file = dir.resolve("sub/train.vec");
    new VectorFile("minilm", rows).write(file);
    VectorFile back = VectorFile.read(file);
    assertThat(back.encoder()).isEqualTo("minilm");
    assertThat(back.dimension()).isEqualTo(3);
    assertThat(back.rows()).hasSize(2);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(Arrays.equals(back.rows().get(i), rows.get(i))).as("row %d", i).isTrue();
    }
    VectorFile empty = new VectorFile("hashing-16", List.of());
    empty.write(dir.resolve("empty.vec"));
    assertThat(VectorFile.read(dir.resolve("empty.vec")).rows()).isEmpty();
  }

  @Test
  void rowsOfDifferentLengthsAreRefused() {
    assertThatThrownBy(() -> new VectorFile("e", List.of(new float[2], new float[3])))
        .hasMessageContaining("row 1 has 3 values, row 0 has 2");
  }

  @Test
  void missingForeignNewerTruncatedAndAlteredFilesAreRefusedNamingTheFile() throws IOException {
    Path missing = dir.resolve("none.vec");
    assertThatThrownBy(() -> VectorFile.read(missing))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("himoe eval embed");

    Path foreign = dir.resolve("foreign.vec");
    Files.writeString(foreign, "{\"text\": \"not vectors at all\"}");
    assertThatThrownBy(() -> VectorFile.read(foreign))
        .hasMessageContaining(foreign.toString())
        .hasMessageContaining("not a Hi-MoE vector file");

    Path good = dir.resolve("good.vec");
    new VectorFile("minilm", List.of(new float[] {1, 2}, new float[] {3, 4})).write(good);
    byte[] bytes = Files.readAllBytes(good);

    Path newer = dir.resolve("newer.vec");
    byte[] n = bytes.clone();
    n[11] = 9; // version field
    Files.write(newer, n);
    assertThatThrownBy(() -> VectorFile.read(newer)).hasMessageContaining("newer");

    Path truncated = dir.resolve("truncated.vec");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 12));
    assertThatThrownBy(() -> VectorFile.read(truncated)).hasMessageContaining(truncated.toString());

    Path altered = dir.resolve("altered.vec");
    byte[] a = bytes.clone();
    a[a.length - 12] ^= 0x10; // a bit of the last float
    Files.write(altered, a);
    assertThatThrownBy(() -> VectorFile.read(altered)).hasMessageContaining("checksum");
  }
}
