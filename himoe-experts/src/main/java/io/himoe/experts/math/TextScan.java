package io.himoe.experts.math;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Hand-written scans the expression finder runs on every text, each giving exactly what a regular
 * expression gave before (ExpressionFinderTest compares them on generated texts): a matcher per
 * call and its match results were a quarter of the math expert's CPU.
 */
final class TextScan {

  private TextScan() {}

  /**
   * @param s a text
   * @return how many times {@code \d+(?:\.\d+)?} is found in it (ASCII digits, as {@code \d})
   */
  static int numbers(String s) {
    int n = 0;
    int i = 0;
    int len = s.length();
    while (i < len) {
      if (!Lexer.isDigit(s.charAt(i))) {
        i++;
        continue;
      }
      i = digits(s, i);
      if (i + 1 < len && s.charAt(i) == '.' && Lexer.isDigit(s.charAt(i + 1))) {
        i = digits(s, i + 1);
      }
      n++;
    }
    return n;
  }

  /**
   * @param r a run of maths characters
   * @return whether all of it matches {@code \d+(?:-\d+){2,}|\d{1,2}/\d{1,2}/\d{2,4}}: a date or a
   *     dashed reference number
   */
  static boolean isDate(String r) {
    return isDashed(r) || isSlashedDate(r);
  }

  private static boolean isDashed(String r) {
    int i = digits(r, 0);
    if (i == 0) {
      return false;
    }
    int groups = 0;
    while (i < r.length()) {
      if (r.charAt(i) != '-') {
        return false;
      }
      int j = digits(r, i + 1);
      if (j == i + 1) {
        return false;
      }
      groups++;
      i = j;
    }
    return groups >= 2;
  }

  private static boolean isSlashedDate(String r) {
    int a = digits(r, 0);
    if (a < 1 || a > 2 || a >= r.length() || r.charAt(a) != '/') {
      return false;
    }
    int b = digits(r, a + 1);
    if (b - (a + 1) < 1 || b - (a + 1) > 2 || b >= r.length() || r.charAt(b) != '/') {
      return false;
    }
    int c = digits(r, b + 1);
    return c == r.length() && c - (b + 1) >= 2 && c - (b + 1) <= 4;
  }

  /** The index after the ASCII digits starting at {@code i}. */
  private static int digits(String s, int i) {
    while (i < s.length() && Lexer.isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Which rewrites a text may need, in one pass over it: rewrite {@code k}'s bit is set when the
   * text contains one of its triggers (what {@code contains} on every trigger told before, at one
   * scan of the text instead of one per trigger).
   */
  static final class Triggers {
    private final String[] triggers;
    private final int[] rewriteOf;
    private final int[][] byAsciiFirst = new int[128][];
    private final Map<Character, int[]> byOtherFirst = new HashMap<>();

    /**
     * @param byRewrite each rewrite's triggers (non-empty strings), at most 64 rewrites
     */
    Triggers(List<List<String>> byRewrite) {
      if (byRewrite.size() > Long.SIZE) {
        throw new IllegalArgumentException("at most 64 rewrites, got " + byRewrite.size());
      }
      int total = byRewrite.stream().mapToInt(List::size).sum();
      triggers = new String[total];
      rewriteOf = new int[total];
      int t = 0;
      for (int k = 0; k < byRewrite.size(); k++) {
        for (String trigger : byRewrite.get(k)) {
          triggers[t] = trigger;
          rewriteOf[t] = k;
          char first = trigger.charAt(0);
          if (first < 128) {
            byAsciiFirst[first] = append(byAsciiFirst[first], t);
          } else {
            byOtherFirst.put(first, append(byOtherFirst.get(first), t));
          }
          t++;
        }
      }
    }

    /**
     * @param s a text
     * @return bit {@code k} set when the text contains a trigger of rewrite {@code k}
     */
    long in(String s) {
      long mask = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        int[] candidates = c < 128 ? byAsciiFirst[c] : byOtherFirst.get(c);
        if (candidates == null) {
          continue;
        }
        for (int t : candidates) {
          long bit = 1L << rewriteOf[t];
          if ((mask & bit) == 0 && s.startsWith(triggers[t], i)) {
            mask |= bit;
          }
        }
      }
      return mask;
    }

    private static int[] append(int @Nullable [] a, int v) {
      if (a == null) {
        return new int[] {v};
      }
      int[] b = java.util.Arrays.copyOf(a, a.length + 1);
      b[a.length] = v;
      return b;
    }
  }
}
