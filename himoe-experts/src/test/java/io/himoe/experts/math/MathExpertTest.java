package io.himoe.experts.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertOut;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MathExpertTest {

  private final MathExpert math = MathExpert.ofDefaults();
  private final Context ctx = Context.of(Duration.ofSeconds(5));

  private ExpertOut ask(String text) {
    return math.infer(InputData.text(text), ctx);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "combien font 12*(3+4) ? | 84",
        "what is 2^10 | 1024",
        "What is 2 to the power of 10? | 1024",
        "Combien font 7 fois 8 ? | 56",
        "calcule 3,5 + 1,25 | 4.75",
        "how much is 15% of 80? | 12",
        "Quelle est la racine carrée de 144 ? | 12",
        "what is the square root of 2 squared | 2.000000000000000000000000000000000",
        "100 divided by 8 | 12.5",
        "17 modulo 5 | 2",
        "12 moins 20 | -8",
        "3 × 4 ÷ 2 − 1 | 5",
        "combien fait 3 x 4 ? | 12",
        "what's 1/2 + 1/4 | 0.75",
        "max(3, 9, 4) | 9",
        "Peux-tu calculer (2+3)*4 pour moi ? | 20",
        "I have 3 apples; what is 6*7? | 42",
      })
  void answersSentences(String text, String expected) {
    ExpertOut out = ask(text);
    assertThat(out.value().asText())
        .contains(new java.math.BigDecimal(expected).stripTrailingZeros().toPlainString());
    assertThat(out.aux().confidence()).isGreaterThanOrEqualTo(0.85);
    assertThat(out.aux().costUnits()).isZero();
  }

  @Test
  void partialCoverageLowersConfidence() {
    assertThat(ask("what is 6*7?").aux().confidence()).isEqualTo(0.99);
    assertThat(ask("I have 3 apples; what is 6*7?").aux().confidence()).isEqualTo(0.85);
  }

  @Test
  void noExpressionIsUnprocessableByThisExpert() {
    assertThatThrownBy(() -> ask("Quelle est la capitale de la France ?"))
        .isInstanceOf(MoeError.Unprocessable.class)
        .hasMessage("unprocessable input: math: no arithmetic expression found in the text");
    // A date is not a subtraction.
    for (String text :
        List.of("rendez-vous le 2024-05-12", "né le 12/05/1990", "appelle le 06-12-34-56-78")) {
      assertThatThrownBy(() -> ask(text)).as(text).isInstanceOf(MoeError.Unprocessable.class);
    }
  }

  @Test
  void divisionByZeroIsAClientMistakeNamingThePosition() {
    assertThatThrownBy(() -> ask("combien font 12/(3-3) ?"))
        .isInstanceOf(MoeError.Unprocessable.class)
        .hasMessageContaining("math: at position 4 of '12/(3-3)': division by zero");
  }

  @Test
  void featuresAreRefused() {
    assertThatThrownBy(() -> math.infer(InputData.features(1f), ctx))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("reads text");
  }

  @Test
  void cancelledRequestStops() {
    CancelToken token = CancelToken.create();
    token.cancel();
    Context cancelled = Context.builder().cancel(token).build();
    assertThatThrownBy(() -> math.infer(InputData.text("2+2"), cancelled))
        .isInstanceOf(MoeError.Cancelled.class);
  }

  @Test
  void canHandleHints() {
    assertThat(math.canHandle("combien font 12*(3+4) ?")).isEqualTo(0.95);
    assertThat(math.canHandle("2+2")).isEqualTo(0.9);
    assertThat(math.canHandle("calculate the area of a room of 12 square meters")).isEqualTo(0.4);
    assertThat(math.canHandle("fr:tag Le chat dort.")).isZero();
    assertThat(math.canHandle("Quelle est la capitale de la France ?")).isZero();
  }

  @Test
  void expressionInShowsWhatWasRead() {
    assertThat(MathExpert.expressionIn("what is 2 to the power of 10?")).contains("2  ^  10");
  }

  @Test
  void factoryValidatesTheName() {
    assertThat(MathExpert.of("calc").name()).isEqualTo("calc");
    assertThatThrownBy(() -> MathExpert.of(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }
}
