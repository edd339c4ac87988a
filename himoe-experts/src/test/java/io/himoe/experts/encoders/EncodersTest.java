package io.himoe.experts.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodersTest {

  @Test
  void knownNames() {
    assertThat(Encoders.byName("hashing")).isInstanceOf(HashingEncoder.class);
    assertThat(Encoders.byName(" MiniLM ")).isInstanceOf(SentenceEncoder.class);
    for (SentenceModel m : SentenceModel.values()) {
      assertThat(Encoders.byName(m.configName()).id()).isEqualTo(m.id());
      assertThat(Encoders.byName(m.id().toUpperCase(java.util.Locale.ROOT)).id()).isEqualTo(m.id());
    }
    assertThat(Encoders.NAMES)
        .containsAll(
            java.util.Arrays.stream(SentenceModel.values())
                .map(SentenceModel::configName)
                .toList());
  }

  @Test
  void everyModelNamesTheJarThatCarriesIt() {
    // himoe-experts has them all (the four beyond the default as optional dependencies)
    for (SentenceModel m : SentenceModel.values()) {
      assertThat(m.available()).as(m.configName()).isTrue();
      String url = SentenceModel.class.getClassLoader().getResource(m.onnxResource()).toString();
      assertThat(url)
          .as("the message naming the Maven artifact is right")
          .contains("/" + m.artifactId() + "/" + SentenceModel.MODELS_VERSION + "/");
    }
  }

  @Test
  void onnxSpecsNameTheirFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path graph = java.nio.file.Files.writeString(dir.resolve("m.onnx"), "x");
    java.nio.file.Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Encoder e = Encoders.byName("onnx:" + graph + ",pooling=CLS,prefix=query:");
    assertThat(e.id())
        .isEqualTo(
            "onnx:"
                + graph
                + ",tokenizer="
                + dir.resolve("tokenizer.json")
                + ",pooling=cls"
                + ",prefix=query:");
    assertThat(Encoders.byName(e.id()).id()).isEqualTo(e.id());
    assertThatThrownBy(() -> Encoders.byName("onnx:" + dir.resolve("none.onnx")))
        .hasMessageContaining("no such file")
        .hasMessageContaining("none.onnx");
    assertThatThrownBy(() -> Encoders.byName("onnx:" + graph + ",pooling=max"))
        .hasMessageContaining("'max'")
        .hasMessageContaining("mean or cls");
    assertThatThrownBy(() -> Encoders.byName("onnx:" + graph + ",layers=3"))
        .hasMessageContaining("unknown onnx option 'layers=3'");
    assertThatThrownBy(() -> Encoders.byName("onnx:")).hasMessageContaining("needs a file");
  }

  @Test
  void idsRoundTrip() {
    assertThat(((HashingEncoder) Encoders.byName("hashing-1024")).dimension()).isEqualTo(1024);
    for (var e :
        java.util.List.of(
            HashingEncoder.of(300), SentenceEncoder.of(SentenceModel.MINILM_L6_V2_Q, 1))) {
      assertThat(Encoders.byName(e.id()).id()).isEqualTo(e.id());
    }
    assertThatThrownBy(() -> Encoders.byName("hashing-8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension");
    assertThatThrownBy(() -> Encoders.byName("hashing-x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hashing-<dimension>");
  }

  @Test
  void unknownNameListsTheAllowedOnes() {
    assertThatThrownBy(() -> Encoders.byName("bert"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bert'")
        .hasMessageContaining("hashing")
        .hasMessageContaining("minilm");
    assertThatThrownBy(() -> Encoders.byName(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concatenationGivesEachPartTheSameWeightAndUnitLength() {
    Encoder e = Encoders.byName("hashing-256+hashing-64");
    assertThat(e).isInstanceOf(ConcatEncoder.class);
    assertThat(e.id()).isEqualTo("hashing-256+hashing-64");
    assertThat(Encoders.byName(e.id()).id()).isEqualTo(e.id());
    InputData text = InputData.text("set an alarm for seven");
    float[] v = e.encode(text).vector();
    assertThat(v).hasSize(320);
    double first = 0;
    double second = 0;
    for (int i = 0; i < v.length; i++) {
      if (i < 256) {
        first += v[i] * v[i];
      } else {
        second += v[i] * v[i];
      }
    }
    assertThat(first).isCloseTo(0.5, within(1e-5));
    assertThat(second).isCloseTo(0.5, within(1e-5));
    // The first part is the hashing encoder's own vector, scaled by 1/sqrt(2).
    float[] alone = HashingEncoder.of(256).encode(text).vector();
    for (int i = 0; i < 256; i++) {
      assertThat((double) v[i]).isCloseTo(alone[i] / Math.sqrt(2), within(1e-6));
    }
    assertThat(e.encodeAll(List.of(text, InputData.text("?"))).getFirst().vector())
        .containsExactly(v);
  }

  @Test
  void badConcatenationsAreRefused() {
    assertThatThrownBy(() -> Encoders.byName("hashing+"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty part");
    assertThatThrownBy(() -> Encoders.byName("hashing+bert"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bert'");
    assertThatThrownBy(() -> ConcatEncoder.of(List.of(HashingEncoder.of(64))))
        .hasMessageContaining("at least two parts");
  }

  @Test
  void aConcatenationWithAModelCachesItsJoinedVectors() {
    ConcatEncoder withModel = (ConcatEncoder) Encoders.byName(Encoders.DEFAULT_ROUTING);
    InputData text = InputData.text("what is my balance");
    float[] first = withModel.encode(text).vector();
    assertThat(withModel.cachedTexts()).isEqualTo(1);
    assertThat(withModel.encode(text).vector()).containsExactly(first);
    // The cached vector is a copy: changing what a caller got does not change the next answer.
    first[0] += 1;
    assertThat(withModel.encode(text).vector()[0]).isNotEqualTo(first[0]);
    ConcatEncoder hashesOnly = (ConcatEncoder) Encoders.byName("hashing-64+hashing-32");
    hashesOnly.encode(text);
    assertThat(hashesOnly.cachedTexts()).isZero();
    // EncoderBenchmark's "no cache" rows turn it off
    ConcatEncoder uncached = withModel.withCacheSize(0);
    assertThat(uncached.encode(text).vector()).containsExactly(withModel.encode(text).vector());
    assertThat(uncached.cachedTexts()).isZero();
    assertThatThrownBy(() -> withModel.withCacheSize(-1)).hasMessageContaining(">= 0");
  }
}
