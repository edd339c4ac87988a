package io.himoe.experts.math;

/**
 * A malformed or non-computable expression: where (0-based char index in the expression) and what.
 * The message reads {@code at position N (1-based) of 'expr': problem}.
 */
public final class MathException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String expression;
  private final int position;
  private final String problem;

  /**
   * @param expression the expression
   * @param position 0-based index of the offending char (the length for "end of input")
   * @param problem what is wrong
   */
  public MathException(String expression, int position, String problem) {
    super("at position " + (position + 1) + " of '" + expression + "': " + problem);
    this.expression = expression;
    this.position = position;
    this.problem = problem;
  }

  /**
   * @return the expression that failed
   */
  public String expression() {
    return expression;
  }

  /**
   * @return 0-based index of the offending char in {@link #expression()}
   */
  public int position() {
    return position;
  }

  /**
   * @return what is wrong, without the position
   */
  public String problem() {
    return problem;
  }
}
