package io.himoe.eval.metrics;

/**
 * Token estimate from text, for pricing when no tokenizer is at hand: one token per four characters
 * (code points), the usual rule of thumb for English with BPE tokenizers, at least one.
 */
public final class Tokens {

  private Tokens() {}

  /**
   * @param text a text
   * @return its estimated token count, at least 1
   */
  public static long estimate(String text) {
    long chars = text.codePointCount(0, text.length());
    return Math.max(1, (chars + 3) / 4);
  }
}
