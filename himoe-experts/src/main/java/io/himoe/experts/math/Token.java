package io.himoe.experts.math;

/**
 * One lexical token of an expression.
 *
 * @param kind the kind
 * @param text the source text (a number's digits, an identifier, an operator char)
 * @param pos 0-based index in the expression
 */
record Token(Kind kind, String text, int pos) {

  /** Token kinds. */
  enum Kind {
    NUMBER,
    IDENT,
    OP,
    LPAREN,
    RPAREN,
    COMMA,
    END
  }

  boolean is(Kind k, String s) {
    return kind == k && text.equals(s);
  }

  String describe() {
    return kind == Kind.END ? "end of input" : "'" + text + "'";
  }
}
