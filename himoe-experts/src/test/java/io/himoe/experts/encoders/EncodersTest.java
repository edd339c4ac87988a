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
  void idsRoundTrip() {
    assertThat(((HashingEncoder) Encoders.byName("hashing-1024")).dimension()).isEqualTo(1024);
    for (var e : java.util.List.of(HashingEncoder.of(300), MiniLmEncoder.of(1))) {
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
}
