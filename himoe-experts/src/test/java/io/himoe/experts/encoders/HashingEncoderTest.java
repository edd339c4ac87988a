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

  /**
   * The sparse vectors are the floats, bit for bit, of the dense accumulator they replaced: the
   * hashes were printed by main a3d8f1b ({@code Arrays.hashCode(vector(text))}, dense), before the
   * change, with the number of non-zeros.
   */
  @Test
  void sparseVectorsAreBitForBitTheDenseOnesOfBefore() {
    record Pinned(String text, int hash, int nonZeros) {}
    List<Pinned> pinned =
        List.of(
            new Pinned("What is 12 * (7 + 5) - 3?", 1777106525, 38),
            new Pinned(
                "Plan: 1. write the report 2. review the code 3. call the client",
                -2108079619,
                121),
            new Pinned("Étapes: réserver la salle, puis inviter l'équipe", -1465573780, 118),
            new Pinned("", 1742602241, 0),
            new Pinned("2^10 = ?? !!", -1370753015, 19),
            new Pinned("the the the the", -1676123721, 8));
    for (Pinned p : pinned) {
      Encoded v = p.text().isEmpty() ? enc.encodeText("") : e(p.text());
      assertThat(v.isSparse()).isTrue();
      assertThat(v.entries()).as(p.text()).isEqualTo(p.nonZeros());
      assertThat(java.util.Arrays.hashCode(v.vector())).as(p.text()).isEqualTo(p.hash());
      assertThat(java.util.Arrays.hashCode(enc.vector(p.text()))).isEqualTo(p.hash());
      for (int k = 1; k < v.entries(); k++) {
        assertThat(v.indexAt(k)).isGreaterThan(v.indexAt(k - 1));
      }
    }
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
