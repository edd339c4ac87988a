package io.himoe.experts.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.shared.Encoded;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MiniLmEncoderTest {

  private static double cosine(Encoded a, Encoded b) {
    return HashingEncoderTest.cosine(a, b);
  }

  @Test
  void encodesMeaningNotJustWords() {
    MiniLmEncoder enc = MiniLmEncoder.of(16);
    Encoded q = enc.encode(InputData.text("How tall is the Eiffel Tower?"));
    Encoded near = enc.encode(InputData.text("What is the height of the tower in Paris?"));
    Encoded far = enc.encode(InputData.text("My cat likes to sleep on the sofa."));
    assertThat(q.dimension()).isEqualTo(MiniLmEncoder.DIMENSION);
    assertThat(Math.sqrt(cosine(q, q))).isCloseTo(1.0, Offset.offset(1e-4));
    assertThat(cosine(q, near)).isGreaterThan(cosine(q, far) + 0.2);
  }

  @Test
  void batchEqualsOneByOneAndFillsTheCache() {
    MiniLmEncoder batch = MiniLmEncoder.of(100);
    MiniLmEncoder single = MiniLmEncoder.of(0);
    List<InputData> in =
        List.of(
            InputData.text("Bonjour tout le monde"),
            InputData.text("What is 2^10?"),
            InputData.text("Bonjour tout le monde"));
    List<Encoded> out = batch.encodeAll(in);
    assertThat(out).hasSize(3);
    assertThat(out.get(0)).isEqualTo(out.get(2));
    for (int i = 0; i < in.size(); i++) {
      Encoded one = single.encode(in.get(i));
      assertThat(cosine(one, out.get(i))).isCloseTo(1.0, Offset.offset(1e-4));
    }
    assertThat(batch.cachedTexts()).isEqualTo(2);
    long hits = batch.cacheHits();
    assertThat(batch.encode(in.get(1))).isEqualTo(out.get(1));
    assertThat(batch.cacheHits()).isEqualTo(hits + 1);
  }

  @Test
  void refusesFeaturesAndNegativeCache() {
    assertThatThrownBy(() -> MiniLmEncoder.ofDefaults().encode(InputData.features(1f)))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("feature vector");
    assertThatThrownBy(() -> MiniLmEncoder.of(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheSize");
  }

  @Test
  void manyVirtualThreadsShareTheBoundedPool() throws Exception {
    MiniLmEncoder enc = MiniLmEncoder.of(0).warmUp();
    List<String> texts = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      texts.add("sentence number " + i + " about routing experts");
    }
    try (var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Encoded>> fs = new java.util.ArrayList<>();
      for (String t : texts) {
        fs.add(exec.submit(() -> enc.encode(InputData.text(t))));
      }
      for (int i = 0; i < texts.size(); i++) {
        Encoded alone = enc.encode(InputData.text(texts.get(i)));
        assertThat(cosine(alone, fs.get(i).get())).isCloseTo(1.0, Offset.offset(1e-4));
      }
    }
  }

  @Test
  void interruptedCallerIsReleasedWithCancelled() {
    MiniLmEncoder enc = MiniLmEncoder.of(0).warmUp();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> enc.encode(InputData.text("interrupted before the call")))
          .isInstanceOf(MoeError.Cancelled.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
