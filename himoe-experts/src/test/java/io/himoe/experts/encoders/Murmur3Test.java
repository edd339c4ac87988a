package io.himoe.experts.encoders;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Murmur3Test {

  /**
   * Published MurmurHash3 x86_32 vectors are over bytes; two chars are one little-endian 32-bit
   * block, so the char string "\u6261\u6463" is the byte string "abcd".
   */
  @Test
  void matchesPublishedVectors() {
    assertThat(Murmur3.hashChars("", 0, 0, 0)).isZero();
    assertThat(Murmur3.hashChars("", 0, 0, 1)).isEqualTo(0x514E28B7);
    assertThat(Murmur3.hashChars("\0\0", 0, 2, 0)).isEqualTo(0x2362F9DE);
    assertThat(Murmur3.hashChars("\u6161\u6161", 0, 2, 0x9747b28c)).isEqualTo(0x5A97808A);
    assertThat(Murmur3.hashChars("\u6261\u6463", 0, 2, 0x9747b28c)).isEqualTo(0xF0478627);
    assertThat(Murmur3.hashChars("\u6261", 0, 1, 0x9747b28c)).isEqualTo(0x74875592);
  }

  @Test
  void hashesASubRangeLikeTheSubstring() {
    String s = "xx hello world yy";
    assertThat(Murmur3.hashChars(s, 3, 14, 7))
        .isEqualTo(Murmur3.hashChars("hello world", 0, 11, 7));
  }
}
