package io.himoe.experts.llm;

import java.util.function.ToIntFunction;

/**
 * Splits an ASCII text into the pieces that {@code o200k_base}'s pre-tokenizing regular expression
 * finds, without the regular expression. BPE merges tokens only inside a piece, so a text's tokens
 * are the sum of its pieces' tokens; jtokkit runs a seven-way Unicode regex over the text for this
 * split, which was three quarters of the cost of counting a chat prompt. The expression (jtokkit's
 * {@code EncodingFactory}, compiled with {@code UNICODE_CHARACTER_CLASS}) is, in order:
 *
 * <pre>
 * [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * \p{N}{1,3}
 *  ?[^\s\p{L}\p{N}]+[\r\n/]*
 * \s*[\r\n]+
 * \s+(?!\S)
 * \s+
 * </pre>
 *
 * <p>On ASCII the classes are plain: letters are {@code A-Z a-z} (upper and lower case disjoint, no
 * marks), numbers {@code 0-9}, white space tab, line feed, vertical tab, form feed, carriage return
 * and space; everything else is punctuation. A text with any other character returns -1 (the caller
 * uses the regular expression). {@code O200kAsciiPiecesTest} checks the split against the
 * expression itself on generated texts.
 */
final class O200kAsciiPieces {

  private O200kAsciiPieces() {}

  /**
   * @param text any text
   * @param tokensOfPiece the tokens of one piece
   * @return the sum of the tokens of the text's pieces, or -1 when the text is not all ASCII
   */
  static int count(String text, ToIntFunction<String> tokensOfPiece) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      if (text.charAt(i) > 0x7f) {
        return -1;
      }
    }
    int tokens = 0;
    for (int p = 0; p < n; ) {
      int e = pieceEnd(text, p);
      tokens += tokensOfPiece.applyAsInt(text.substring(p, e));
      p = e;
    }
    return tokens;
  }

  /**
   * @param text an ASCII text
   * @param p a position in it, where a piece starts
   * @return where that piece ends (exclusive), as the first alternative of the expression that
   *     matches at {@code p} would end it
   */
  static int pieceEnd(String text, int p) {
    int n = text.length();
    char c = text.charAt(p);
    // 1 and 2: an optional non-letter, non-number, non-newline, then letters.
    int q = p;
    if (!letter(c)
        && !digit(c)
        && c != '\r'
        && c != '\n'
        && p + 1 < n
        && letter(text.charAt(p + 1))) {
      q = p + 1;
    }
    if (letter(text.charAt(q))) {
      int u = q;
      while (u < n && upper(text.charAt(u))) {
        u++;
      }
      // 1 (upper case then lower case) when a lower-case letter follows, else 2 (upper case only).
      int e = u;
      while (e < n && lower(text.charAt(e))) {
        e++;
      }
      return contraction(text, e);
    }
    // 3: up to three digits.
    if (digit(c)) {
      int e = p + 1;
      while (e < n && e < p + 3 && digit(text.charAt(e))) {
        e++;
      }
      return e;
    }
    // 4: an optional space, punctuation, then line breaks and slashes.
    q = c == ' ' && p + 1 < n && punctuation(text.charAt(p + 1)) ? p + 1 : p;
    if (punctuation(text.charAt(q))) {
      int e = q + 1;
      while (e < n && punctuation(text.charAt(e))) {
        e++;
      }
      while (e < n && (text.charAt(e) == '\r' || text.charAt(e) == '\n' || text.charAt(e) == '/')) {
        e++;
      }
      return e;
    }
    // c is white space: w ends its run.
    int w = p + 1;
    while (w < n && space(text.charAt(w))) {
      w++;
    }
    // 5: white space up to its last line break.
    for (int k = w - 1; k >= p; k--) {
      char b = text.charAt(k);
      if (b == '\r' || b == '\n') {
        return k + 1;
      }
    }
    // 6: white space not followed by a non-space (all but the last of a run before a word), else 7.
    if (w < n && w - p >= 2) {
      return w - 1;
    }
    return w;
  }

  // (?i:'s|'t|'re|'ve|'m|'ll|'d)? after letters
  private static int contraction(String text, int e) {
    int n = text.length();
    if (e + 1 >= n || text.charAt(e) != '\'') {
      return e;
    }
    char a = Character.toLowerCase(text.charAt(e + 1));
    if (a == 's' || a == 't' || a == 'm' || a == 'd') {
      return e + 2;
    }
    if (e + 2 < n) {
      char b = Character.toLowerCase(text.charAt(e + 2));
      if ((a == 'r' || a == 'v') && b == 'e' || a == 'l' && b == 'l') {
        return e + 3;
      }
    }
    return e;
  }

  private static boolean upper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean lower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean letter(char c) {
    return upper(c) || lower(c);
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private static boolean punctuation(char c) {
    return !space(c) && !letter(c) && !digit(c);
  }
}
