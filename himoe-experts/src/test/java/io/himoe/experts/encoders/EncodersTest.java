package io.himoe.experts.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncodersTest {

  @Test
  void knownNames() {
    assertThat(Encoders.byName("hashing")).isInstanceOf(HashingEncoder.class);
    assertThat(Encoders.byName(" MiniLM ")).isInstanceOf(MiniLmEncoder.class);
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
}
