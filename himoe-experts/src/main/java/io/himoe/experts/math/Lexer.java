package io.himoe.experts.math;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens; numbers are digits with an optional fraction and exponent. */
final class Lexer {
  private static final String OPS = "+-*/^%!";

  private Lexer() {}

  static List<Token> tokenize(String src) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(src.charAt(i + 1)))) {
        int end = number(src, i);
        out.add(new Token(Token.Kind.NUMBER, src.substring(i, end), i));
        i = end;
      } else if (Character.isLetter(c)) {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
          i++;
        }
        out.add(new Token(Token.Kind.IDENT, src.substring(start, i), start));
      } else if (OPS.indexOf(c) >= 0) {
        out.add(new Token(Token.Kind.OP, String.valueOf(c), i++));
      } else if (c == '(') {
        out.add(new Token(Token.Kind.LPAREN, "(", i++));
      } else if (c == ')') {
        out.add(new Token(Token.Kind.RPAREN, ")", i++));
      } else if (c == ',' || c == ';') {
        out.add(new Token(Token.Kind.COMMA, String.valueOf(c), i++));
      } else {
        throw new MathException(src, i, "unexpected character '" + c + "'");
      }
    }
    out.add(new Token(Token.Kind.END, "", n));
    return out;
  }

  private static int number(String s, int i) {
    int n = s.length();
    while (i < n && isDigit(s.charAt(i))) {
      i++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
    }
    // An exponent only when digits follow, so "2e" stays 2 times the constant e.
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        j++;
      }
      if (j < n && isDigit(s.charAt(j))) {
        i = j;
        while (i < n && isDigit(s.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
