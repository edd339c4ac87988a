package io.himoe.experts;

import java.nio.charset.StandardCharsets;

/**
 * A stable 64-bit expert id: the FNV-1a hash of the expert's name in UTF-8, finished with the
 * SplitMix64 mixer. The same name gives the same id on every run, JVM and machine.
 *
 * @param value the 64-bit id
 */
public record ExpertId(long value) implements Comparable<ExpertId> {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /**
   * @param name the expert name
   * @return its stable id
   */
  public static ExpertId of(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("expert name is empty");
    }
    long h = FNV_OFFSET;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= FNV_PRIME;
    }
    return new ExpertId(mix(h));
  }

  /**
   * A deterministic hash of this id and a seed, used to break ties between equal gate weights.
   *
   * @param seed the policy seed
   * @return the tie-break key
   */
  public long tieBreak(long seed) {
    return mix(value ^ mix(seed));
  }

  /**
   * SplitMix64's finaliser: a bijective mixer with good avalanche.
   *
   * @param z input
   * @return mixed value
   */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public int compareTo(ExpertId o) {
    return Long.compareUnsigned(value, o.value);
  }

  /** A rendered id; entries are immutable, so a racy read sees a whole one or null. */
  private record Hex(long value, String text) {}

  // Traces render every traced expert's id on every request: a small direct-mapped cache keeps
  // that from formatting the same few ids again and again (bounded, whatever ids are created).
  private static final Hex[] HEX = new Hex[1024];

  @Override
  public String toString() {
    int slot = (int) (value ^ (value >>> 32)) & (HEX.length - 1);
    Hex h = HEX[slot];
    if (h != null && h.value == value) {
      return h.text;
    }
    String hex = Long.toHexString(value);
    String text = hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    HEX[slot] = new Hex(value, text);
    return text;
  }
}
