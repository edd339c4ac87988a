package io.himoe.branches.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {

  @TempDir Path dir;

  private void idx(Path p, int magic, int[] dims, byte[] data, boolean gz) throws IOException {
    OutputStream raw = Files.newOutputStream(p);
    try (DataOutputStream o = new DataOutputStream(gz ? new GZIPOutputStream(raw) : raw)) {
      o.writeInt(magic);
      for (int d : dims) {
        o.writeInt(d);
      }
      o.write(data);
    }
  }

  @Test
  void readsIdxImagesAndLabelsScaledToUnitInterval() throws IOException {
    // 3 images of 2x2 pixels
    byte[] pixels = {0, (byte) 255, 51, 102, 1, 2, 3, 4, (byte) 128, 0, 0, 0};
    idx(dir.resolve("train-images-idx3-ubyte"), 0x803, new int[] {3, 2, 2}, pixels, false);
    idx(
        dir.resolve("train-labels-idx1-ubyte.gz"),
        0x801,
        new int[] {3},
        new byte[] {7, 0, 9},
        true);
    Dataset d = Idx.mnist(dir, true, 100);
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.width()).isEqualTo(4);
    assertThat(d.y()).containsExactly(7, 0, 9);
    assertThat(d.x()[0][1]).isEqualTo(1f);
    assertThat((double) d.x()[0][2]).isCloseTo(0.2, within(1e-6));
    assertThat(Idx.mnist(dir, true, 2).size()).isEqualTo(2);
  }

  @Test
  void rejectsWrongMagicAndMissingFiles() throws IOException {
    idx(dir.resolve("t10k-images-idx3-ubyte"), 0x801, new int[] {1, 1, 1}, new byte[] {0}, false);
    idx(dir.resolve("t10k-labels-idx1-ubyte"), 0x801, new int[] {1}, new byte[] {0}, false);
    assertThatThrownBy(() -> Idx.mnist(dir, false, 10))
        .hasMessageContaining("not an IDX image file");
    assertThatThrownBy(() -> Idx.mnist(dir, true, 10))
        .hasMessageContaining("fetch it with himoe-branches/fetch-mnist.sh");
  }

  @Test
  void readsClincLinesAndNamesABadField() throws IOException {
    Path f = dir.resolve("train.jsonl");
    Files.writeString(
        f,
        """
        {"text": "book a flight", "intent": "book_flight", "domain": "travel"}

        {"text": "what's my balance", "intent": "balance", "domain": "banking"}
        """);
    assertThat(Clinc.read(f))
        .containsExactly(
            new Clinc.Utterance("book a flight", "book_flight", "travel"),
            new Clinc.Utterance("what's my balance", "balance", "banking"));
    Files.writeString(f, "{\"text\": \"x\", \"intent\": 3, \"domain\": \"d\"}\n");
    assertThatThrownBy(() -> Clinc.read(f))
        .hasMessageContaining("line 1: field 'intent' is missing or not a string");
  }

  @Test
  void hashingFeaturesAreDeterministicNormalisedAndSimilarForSimilarText() {
    HashingFeatures h = new HashingFeatures(512);
    float[] a = h.encode("book a flight to Paris");
    assertThat(h.encode("book a flight to Paris")).containsExactly(a);
    double n = 0;
    for (float v : a) {
      n += v * v;
    }
    assertThat(n).isCloseTo(1.0, within(1e-5));
    double close = dot(a, h.encode("book a flight to Rome"));
    double far = dot(a, h.encode("what is my account balance"));
    assertThat(close).isGreaterThan(far + 0.3);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
