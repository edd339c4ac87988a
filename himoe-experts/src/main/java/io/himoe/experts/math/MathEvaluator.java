package io.himoe.experts.math;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/**
 * Evaluates arithmetic expressions exactly with {@link BigDecimal}: {@code + - * / % ^ !},
 * parentheses, unary minus, implicit multiplication ({@code 2(3+4)}, {@code 2pi}), scientific
 * numbers ({@code 1.5e3}), the constants {@code pi} and {@code e}, and the functions {@code sqrt,
 * abs, min, max, round(x[, digits]), floor, ceil, trunc, fact, pow}. {@code ^} is right-associative
 * and binds tighter than unary minus ({@code -2^2 = -4}). Every step rounds to the evaluator's
 * {@link MathContext} (34 significant digits by default); only a power with a non-integer exponent
 * goes through {@code double}, and {@link Result#exact()} says so. Thread-safe.
 */
public final class MathEvaluator {

  private final MathContext mc;

  private MathEvaluator(MathContext mc) {
    this.mc = mc;
  }

  /**
   * @return an evaluator with {@link MathContext#DECIMAL128} (34 significant digits)
   */
  public static MathEvaluator ofDefaults() {
    return new MathEvaluator(MathContext.DECIMAL128);
  }

  /**
   * @param mc the precision and rounding of every step; precision must be positive
   * @return an evaluator
   * @throws IllegalArgumentException if the precision is 0 (unlimited, which 1/3 cannot honour)
   */
  public static MathEvaluator of(MathContext mc) {
    Objects.requireNonNull(mc, "mc");
    if (mc.getPrecision() == 0) {
      throw new IllegalArgumentException("math: precision must be > 0 digits, got 0");
    }
    return new MathEvaluator(mc);
  }

  /**
   * A computed value.
   *
   * @param value the value
   * @param exact false when a step went through {@code double} (a non-integer power)
   */
  public record Result(BigDecimal value, boolean exact) {
    /**
     * @return the value without trailing zeros, in plain notation unless it is huge or tiny
     */
    public String formatted() {
      return format(value);
    }
  }

  /**
   * @param expression the expression, e.g. {@code 12*(3+4)}
   * @return its value
   * @throws MathException if it is malformed or not computable (division by zero, ...)
   */
  public Result evaluate(String expression) {
    return evaluate(expression, () -> {});
  }

  /**
   * @param expression the expression
   * @param checkpoint run between steps; throws to stop a long evaluation (cancellation)
   * @return its value
   * @throws MathException if it is malformed or not computable
   */
  public Result evaluate(String expression, Runnable checkpoint) {
    Objects.requireNonNull(expression, "expression");
    try {
      Parser.Result r = Parser.evaluate(expression, mc, checkpoint);
      return new Result(r.value(), r.exact());
    } catch (ArithmeticException e) {
      // BigDecimal's scale overflow, e.g. 10^999999999 * 10^999999999.
      throw new MathException(expression, 0, "not computable: " + e.getMessage());
    }
  }

  /**
   * @param v a value
   * @return it without trailing zeros, plain when at most 40 digits are needed or when it is an
   *     integer of at most 1000 digits (exact integers are shown whole), else scientific
   */
  public static String format(BigDecimal v) {
    BigDecimal s = v.stripTrailingZeros();
    if (s.signum() == 0) {
      return "0";
    }
    int intDigits = s.precision() - s.scale();
    if (s.scale() <= 0 && intDigits <= Parser.MAX_EXACT_DIGITS) {
      return s.toPlainString();
    }
    if (intDigits <= 40 && s.scale() <= 40) {
      return s.toPlainString();
    }
    return s.toString();
  }
}
