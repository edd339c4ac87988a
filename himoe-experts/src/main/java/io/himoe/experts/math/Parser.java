package io.himoe.experts.math;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive descent over the tokens, evaluating as it goes. Grammar, loosest first:
 *
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/' | '%') unary | implicit)*   implicit: 2(3+4), 2pi
 * unary   := ('-' | '+') unary | power
 * power   := postfix ('^' unary)?                           right-associative: 2^3^2 = 2^9
 * postfix := primary '!'*
 * primary := NUMBER | '(' expr ')' | IDENT | IDENT '(' expr (',' expr)* ')'
 * </pre>
 *
 * So {@code -2^2 = -4} and {@code 2^-1 = 0.5}, as in mathematics.
 */
final class Parser {
  static final int MAX_DEPTH = 200;
  static final int MAX_FACTORIAL = 1000;
  static final int MAX_EXACT_DIGITS = 1000;
  private static final BigDecimal PI = new BigDecimal("3.141592653589793238462643383279503");
  private static final BigDecimal E = new BigDecimal("2.718281828459045235360287471352662");

  private final String src;
  private final List<Token> tokens;
  private final MathContext mc;
  private final Runnable checkpoint;
  private int next;
  private int depth;
  private boolean exact = true;

  private Parser(String src, MathContext mc, Runnable checkpoint) {
    this.src = src;
    this.tokens = Lexer.tokenize(src);
    this.mc = mc;
    this.checkpoint = checkpoint;
  }

  /** The value and whether it was computed without a floating-point step. */
  record Result(BigDecimal value, boolean exact) {}

  static Result evaluate(String src, MathContext mc, Runnable checkpoint) {
    if (src.isBlank()) {
      throw new MathException(src, 0, "the expression is empty");
    }
    Parser p = new Parser(src, mc, checkpoint);
    BigDecimal v = p.expr();
    Token t = p.peek();
    if (t.kind() != Token.Kind.END) {
      throw p.error(t, "unexpected " + t.describe() + " after a complete expression");
    }
    return new Result(v, p.exact);
  }

  private BigDecimal expr() {
    enter();
    BigDecimal v = term();
    while (true) {
      Token t = peek();
      if (t.is(Token.Kind.OP, "+")) {
        next++;
        v = add(v, term());
      } else if (t.is(Token.Kind.OP, "-")) {
        next++;
        v = add(v, term().negate());
      } else {
        depth--;
        return v;
      }
    }
  }

  private BigDecimal term() {
    BigDecimal v = unary();
    while (true) {
      checkpoint.run();
      Token t = peek();
      if (t.is(Token.Kind.OP, "*")) {
        next++;
        v = multiply(v, unary());
      } else if (t.is(Token.Kind.OP, "/")) {
        next++;
        v = divide(v);
      } else if (t.is(Token.Kind.OP, "%")) {
        next++;
        Token at = peek();
        BigDecimal d = unary();
        if (d.signum() == 0) {
          throw error(at, "modulo by zero");
        }
        v = v.remainder(d, mc);
      } else if (t.kind() == Token.Kind.LPAREN || t.kind() == Token.Kind.IDENT) {
        v = multiply(v, unary());
      } else {
        return v;
      }
    }
  }

  private BigDecimal divide(BigDecimal v) {
    Token at = peek();
    BigDecimal d = unary();
    if (d.signum() == 0) {
      throw error(at, "division by zero");
    }
    return v.divide(d, mc);
  }

  private BigDecimal unary() {
    Token t = peek();
    if (t.is(Token.Kind.OP, "-")) {
      next++;
      enter();
      BigDecimal v = unary().negate();
      depth--;
      return v;
    }
    if (t.is(Token.Kind.OP, "+")) {
      next++;
      return unary();
    }
    return power();
  }

  private BigDecimal power() {
    BigDecimal base = postfix();
    Token t = peek();
    if (!t.is(Token.Kind.OP, "^")) {
      return base;
    }
    next++;
    Token at = peek();
    enter();
    BigDecimal exp = unary();
    depth--;
    return pow(base, exp, at);
  }

  BigDecimal power(BigDecimal base, BigDecimal exp, Token at) {
    return pow(base, exp, at);
  }

  BigDecimal factorialAt(BigDecimal v, Token at) {
    return factorial(v, at);
  }

  private BigDecimal pow(BigDecimal base, BigDecimal exp, Token at) {
    BigDecimal e = exp.stripTrailingZeros();
    if (e.scale() <= 0) {
      if (e.abs().compareTo(BigDecimal.valueOf(999_999_999)) > 0) {
        throw error(at, "exponent " + e.toPlainString() + " is too large");
      }
      int n = e.intValueExact();
      if (base.signum() == 0 && n < 0) {
        throw error(at, "zero to a negative power (division by zero)");
      }
      if (n >= 0 && integral(base) && exactDigits(base, n) <= MAX_EXACT_DIGITS) {
        return fit(base.pow(n));
      }
      return base.pow(n, mc);
    }
    if (base.signum() < 0) {
      throw error(at, "a negative base to a non-integer power is not a real number");
    }
    if (base.signum() == 0) {
      return BigDecimal.ZERO;
    }
    // No exact BigDecimal power for fractional exponents: use double and say so.
    exact = false;
    double d = Math.pow(base.doubleValue(), exp.doubleValue());
    if (!Double.isFinite(d)) {
      throw error(at, "the result is out of range");
    }
    return new BigDecimal(d, MathContext.DECIMAL64);
  }

  private BigDecimal postfix() {
    BigDecimal v = primary();
    while (peek().is(Token.Kind.OP, "!")) {
      Token bang = tokens.get(next++);
      v = factorial(v, bang);
    }
    return v;
  }

  private BigDecimal factorial(BigDecimal v, Token at) {
    BigDecimal s = v.stripTrailingZeros();
    if (s.signum() < 0 || s.scale() > 0 || s.compareTo(BigDecimal.valueOf(MAX_FACTORIAL)) > 0) {
      throw error(
          at, "factorial needs an integer in [0, " + MAX_FACTORIAL + "], got " + s.toPlainString());
    }
    BigDecimal r = BigDecimal.ONE;
    for (int i = 2; i <= s.intValue(); i++) {
      checkpoint.run();
      r = multiply(r, BigDecimal.valueOf(i));
    }
    return r;
  }

  private BigDecimal primary() {
    Token t = tokens.get(next);
    switch (t.kind()) {
      case NUMBER -> {
        next++;
        try {
          return fit(new BigDecimal(t.text()));
        } catch (NumberFormatException e) {
          throw error(t, "malformed number " + t.describe());
        }
      }
      case LPAREN -> {
        next++;
        BigDecimal v = expr();
        expect(Token.Kind.RPAREN, "')' to close the '(' at position " + (t.pos() + 1));
        return v;
      }
      case IDENT -> {
        next++;
        if (peek().kind() == Token.Kind.LPAREN) {
          return call(t);
        }
        return constant(t);
      }
      default -> throw error(t, "expected a number, '(' or a function, found " + t.describe());
    }
  }

  private BigDecimal constant(Token t) {
    return switch (t.text().toLowerCase(java.util.Locale.ROOT)) {
      case "pi", "π" -> PI.round(mc);
      case "e" -> E.round(mc);
      default -> throw error(t, "unknown name '" + t.text() + "'; known constants are pi and e");
    };
  }

  private BigDecimal call(Token fn) {
    next++; // '('
    List<BigDecimal> args = new ArrayList<>();
    List<Token> at = new ArrayList<>();
    if (peek().kind() != Token.Kind.RPAREN) {
      while (true) {
        at.add(peek());
        args.add(expr());
        if (peek().kind() != Token.Kind.COMMA) {
          break;
        }
        next++;
      }
    }
    expect(Token.Kind.RPAREN, "')' to close the call of " + fn.text());
    return Functions.apply(this, fn, args, at);
  }

  MathContext mc() {
    return mc;
  }

  MathException error(Token t, String problem) {
    return new MathException(src, t.pos(), problem);
  }

  private void expect(Token.Kind kind, String what) {
    Token t = peek();
    if (t.kind() != kind) {
      throw error(t, "expected " + what + ", found " + t.describe());
    }
    next++;
  }

  private Token peek() {
    return tokens.get(next);
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error(peek(), "the expression is nested more than " + MAX_DEPTH + " levels deep");
    }
  }

  /**
   * Integers stay exact (up to {@value #MAX_EXACT_DIGITS} digits) so that 2^64 + 1 or 30! are right
   * to the last digit; anything with a fraction is rounded to the context at every step.
   */
  private BigDecimal add(BigDecimal a, BigDecimal b) {
    return integral(a) && integral(b) ? fit(a.add(b)) : a.add(b, mc);
  }

  private BigDecimal multiply(BigDecimal a, BigDecimal b) {
    return integral(a) && integral(b) ? fit(a.multiply(b)) : a.multiply(b, mc);
  }

  private static boolean integral(BigDecimal v) {
    return v.scale() <= 0 || v.stripTrailingZeros().scale() <= 0;
  }

  /**
   * An upper bound on the digits of {@code base^n} for an integer base: {@code n·log10|base| + 1}
   * (2^3000 has 904 digits, not 3000 as the base's precision times n would say).
   */
  private static double exactDigits(BigDecimal base, int n) {
    java.math.BigInteger b = base.toBigIntegerExact().abs();
    if (b.signum() == 0 || b.equals(java.math.BigInteger.ONE)) {
      return 1;
    }
    // log10 of the base from its double value while it has one, else from its bit length (an
    // upper bound); fit() rounds a result that still has more digits than allowed.
    double log10 =
        b.bitLength() < 1000 ? Math.log10(b.doubleValue()) : b.bitLength() * Math.log10(2);
    return Math.floor(n * log10) + 1;
  }

  private BigDecimal fit(BigDecimal v) {
    return v.precision() > MAX_EXACT_DIGITS ? v.round(mc) : v;
  }

  static BigDecimal round(BigDecimal v, int digits) {
    return v.setScale(digits, RoundingMode.HALF_UP);
  }
}
