package io.himoe.experts.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MathEvaluatorTest {

  private final MathEvaluator eval = MathEvaluator.ofDefaults();

  private String v(String expr) {
    return eval.evaluate(expr).formatted();
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1 + 2 * 3 | 7",
        "(1 + 2) * 3 | 9",
        "12*(3+4) | 84",
        "2^10 | 1024",
        "2^3^2 | 512",
        "-2^2 | -4",
        "(-2)^2 | 4",
        "2^-1 | 0.5",
        "--3 | 3",
        "10 - 4 - 3 | 3",
        "100 / 10 / 5 | 2",
        "17 % 5 | 2",
        "-7 % 3 | -1",
        "0.1 + 0.2 | 0.3",
        "1.5e3 + 1 | 1501",
        "2(3+4) | 14",
        "5! | 120",
        "fact(6) | 720",
        "sqrt(144) | 12",
        "sqrt(2)^2 | 2.000000000000000000000000000000000",
        "abs(-3.5) | 3.5",
        "min(4, -2, 9) | -2",
        "max(4, -2, 9) | 9",
        "round(2.5) | 3",
        "round(3.14159, 2) | 3.14",
        "floor(-1.5) | -2",
        "ceil(1.2) | 2",
        "trunc(-1.7) | -1",
        "pow(3, 4) | 81",
        "1/3 | 0.3333333333333333333333333333333333",
        "2 * pi | 6.283185307179586476925286766559006",
        "99999999999999999999 * 99999999999999999999 | 9999999999999999999800000000000000000001",
        "12345678901234567890123456789012345678 + 1 | 12345678901234567890123456789012345679",
      })
  void evaluates(String expr, String expected) {
    assertThat(v(expr)).isEqualTo(new BigDecimal(expected).stripTrailingZeros().toPlainString());
  }

  @Test
  void bigIntegersAreExactWhereDoubleIsNot() {
    // 2^64 + 1 is not representable as a double.
    assertThat(v("2^64 + 1")).isEqualTo("18446744073709551617");
    assertThat(eval.evaluate("2^64 + 1").exact()).isTrue();
  }

  @Test
  void integersAreExactUpTo1000Digits() {
    MathEvaluator.Result r = eval.evaluate("2^3000");
    assertThat(r.exact()).isTrue();
    assertThat(r.formatted()).isEqualTo(java.math.BigInteger.TWO.pow(3000).toString()).hasSize(904);
    // Beyond 1000 digits the result is rounded to the context's precision and shown in E notation.
    assertThat(eval.evaluate("2^4000").formatted()).contains("E+");
  }

  @Test
  void fractionalPowersAreFlaggedInexact() {
    MathEvaluator.Result r = eval.evaluate("16^0.5");
    assertThat(r.exact()).isFalse();
    assertThat(r.formatted()).isEqualTo("4");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2*(3+ | 6 | expected a number, '(' or a function, found end of input",
        "2*(3+4 | 7 | expected ')' to close the '(' at position 3",
        "1 / 0 | 5 | division by zero",
        "5 % (2-2) | 5 | modulo by zero",
        "3 $ 4 | 3 | unexpected character '$'",
        "sqrt(-4) | 6 | sqrt of a negative number",
        "foo(2) | 1 | unknown function 'foo'",
        "2 * x | 5 | unknown name 'x'",
        "round(1, 2, 3) | 1 | round takes 2 arguments, got 3",
        "(-8)^(1/3) | 6 | negative base to a non-integer power",
        "0^-1 | 3 | zero to a negative power",
        "2.5! | 4 | factorial needs an integer",
        "1 2 | 3 | unexpected '2' after a complete expression",
        "' ' | 1 | the expression is empty",
      })
  void malformedInputSaysWhereAndWhat(String expr, int position, String problem) {
    assertThatThrownBy(() -> eval.evaluate(expr))
        .isInstanceOf(MathException.class)
        .hasMessageContaining("at position " + position + " ")
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(((MathException) e).position()).isEqualTo(position - 1));
  }

  @Test
  void deepNestingAndHugeResultsFailCleanly() {
    String deep = "(".repeat(500) + "1" + ")".repeat(500);
    assertThatThrownBy(() -> eval.evaluate(deep))
        .isInstanceOf(MathException.class)
        .hasMessageContaining("nested more than");
    assertThatThrownBy(() -> eval.evaluate("10^999999999 * 10^999999999 * 10^999999999"))
        .isInstanceOf(MathException.class)
        .hasMessageContaining("not computable");
  }

  @Test
  void checkpointStopsEvaluation() {
    assertThatThrownBy(
            () ->
                eval.evaluate(
                    "1 + 2 * 3",
                    () -> {
                      throw new CancellationException("stop");
                    }))
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void precisionIsConfigurable() {
    assertThat(MathEvaluator.of(new MathContext(5)).evaluate("1/3").formatted())
        .isEqualTo("0.33333");
    assertThatThrownBy(() -> MathEvaluator.of(MathContext.UNLIMITED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("precision");
  }
}
