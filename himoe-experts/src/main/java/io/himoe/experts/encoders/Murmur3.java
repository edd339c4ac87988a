package io.himoe.experts.encoders;

/**
 * MurmurHash3 x86 32-bit over UTF-16 code units, two chars per 32-bit block, low char first. The
 * same layout as Guava's {@code Hashing.murmur3_32_fixed().hashUnencodedChars}, so a feature index
 * is the same on every run, JVM and machine (unlike {@link String#hashCode()}, which is stable too
 * but a weak, badly mixed hash for feature hashing).
 */
final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /**
   * @param s the chars
   * @param from first index, inclusive
   * @param to last index, exclusive
   * @param seed the seed
   * @return the 32-bit hash of {@code s[from, to)}
   */
  static int hashChars(CharSequence s, int from, int to, int seed) {
    int h1 = seed;
    int i = from + 1;
    for (; i < to; i += 2) {
      int k1 = s.charAt(i - 1) | (s.charAt(i) << 16);
      h1 = mixH1(h1, mixK1(k1));
    }
    if (i == to) {
      h1 ^= mixK1(s.charAt(to - 1));
    }
    return fmix(h1, 2 * (to - from));
  }

  private static int mixK1(int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    return k1 * C2;
  }

  private static int mixH1(int h1, int k1) {
    h1 ^= k1;
    h1 = Integer.rotateLeft(h1, 13);
    return h1 * 5 + 0xe6546b64;
  }

  private static int fmix(int h1, int length) {
    h1 ^= length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }
}
