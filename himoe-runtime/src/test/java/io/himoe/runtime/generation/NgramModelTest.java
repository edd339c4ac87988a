package io.himoe.runtime.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NgramModelTest {

  @Test
  void tokenizesWordsAndPunctuation() {
    assertThat(NgramModel.tokenize("Hello, world. Fine!"))
        .containsExactly("Hello", ",", "world", ".", "Fine", "!");
  }

  @Test
  void longerContextsDecideWhatShorterOnesCannot() {
    // After "b" comes c or d; after "a b" always c, after "x b" always d.
    NgramModel m = NgramModel.train("a b c . x b d . a b c . x b d .", 3);
    double[] scratch = new double[m.maxCandidates()];
    int[] ab = m.encode("a b");
    int[] xb = m.encode("x b");
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 50; i++) {
      assertThat(m.token(m.next(ab, 2, 3, r, scratch))).isEqualTo("c");
      assertThat(m.token(m.next(xb, 2, 3, r, scratch))).isEqualTo("d");
    }
    // A bigram model sees only "b" and produces both.
    var seen = new java.util.HashSet<String>();
    for (int i = 0; i < 200; i++) {
      seen.add(m.token(m.next(ab, 2, 2, r, scratch)));
    }
    assertThat(seen).containsExactlyInAnyOrder("c", "d");
  }

  @Test
  void unknownContextBacksOffToUnigrams() {
    NgramModel m = NgramModel.train("one two three .", 4);
    int t = m.next(new int[] {}, 0, 4, new SplittableRandom(3), new double[m.maxCandidates()]);
    assertThat(m.token(t)).isIn("one", "two", "three", ".");
    assertThat(m.encode("zzz unknown")).isEmpty();
  }

  @Test
  void bundledModelLoadsAndChunksJoinIntoText() {
    NgramModel m = NgramModel.bundled();
    assertThat(m.vocabularySize()).isGreaterThan(200);
    assertThat(m.maxOrder()).isEqualTo(4);
    int dot = m.encode(".")[0];
    int router = m.encode("router")[0];
    assertThat(m.chunk(router, true)).isEqualTo("router");
    assertThat(m.chunk(router, false)).isEqualTo(" router");
    assertThat(m.chunk(dot, false)).isEqualTo(".");
    assertThat(m.endsSentence(dot)).isTrue();
  }

  @Test
  void badTrainingInputIsRefused() {
    assertThatThrownBy(() -> NgramModel.train("one", 2)).hasMessageContaining("fewer than 2");
    assertThatThrownBy(() -> NgramModel.train("a b c", 5)).hasMessageContaining("maxOrder");
  }
}
