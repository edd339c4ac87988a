package io.himoe.experts.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.shared.Encoded;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashingEncoderTest {

  private final HashingEncoder enc = HashingEncoder.ofDefaults();

  static double cosine(Encoded a, Encoded b) {
    double dot = 0;
    for (int i = 0; i < a.dimension(); i++) {
      dot += a.get(i) * b.get(i);
    }
    return dot;
  }

  private Encoded e(String s) {
    return enc.encode(InputData.text(s));
  }

  @Test
  void vectorsHaveTheConfiguredDimensionAndUnitNorm() {
    for (String s : List.of("a", "What is 2^10?", "Combien font 12*(3+4) ?", "???")) {
      Encoded v = e(s);
      assertThat(v.dimension()).isEqualTo(4096);
      double norm = Math.sqrt(cosine(v, v));
      assertThat(norm).as(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
    assertThat(HashingEncoder.of(64).encode(InputData.text("hello")).dimension()).isEqualTo(64);
  }

  @Test
  void sameTextSameVectorAcrossInstances() {
    String s = "Quelle est la capitale de la France ?";
    assertThat(HashingEncoder.of(4096).encode(InputData.text(s))).isEqualTo(e(s));
  }

  @Test
  void relatedTextsAreCloserThanUnrelatedOnes() {
    Encoded q = e("how do I compute the square root of 144");
    Encoded near = e("compute square root of 81");
    Encoded far = e("Le chat dort sur le canapé du salon");
    assertThat(cosine(q, near)).isGreaterThan(cosine(q, far) + 0.2);
    // Char n-grams catch inflections that share no whole word.
    assertThat(cosine(e("planification"), e("planifier"))).isGreaterThan(0.3);
  }

  @Test
  void caseAndDiacriticsDoNotMatter() {
    assertThat(e("Étapes du PLAN")).isEqualTo(e("etapes du plan"));
  }

  @Test
  void wordOrderChangesBigramsOnly() {
    double c = cosine(e("dog bites man"), e("man bites dog"));
    assertThat(c).isLessThan(0.999).isGreaterThan(0.5);
  }

  @Test
  void bytesAreReadAsUtf8Text() {
    String s = "déjà vu";
    assertThat(enc.encode(InputData.bytes(s.getBytes(StandardCharsets.UTF_8)))).isEqualTo(e(s));
  }

  @Test
  void featuresAndBadDimensionsAreRefusedClearly() {
    assertThatThrownBy(() -> enc.encode(InputData.features(1f, 2f)))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("feature vector");
    assertThatThrownBy(() -> HashingEncoder.of(8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension")
        .hasMessageContaining("8");
  }

  @Test
  void idNamesTheDimension() {
    assertThat(HashingEncoder.of(512).id()).isEqualTo("hashing-512");
  }
}
