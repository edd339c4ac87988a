package io.himoe.experts.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpressionFinderTest {

  // Every operator word and symbol the rewrites know, in both cases, plus words that only look
  // like them ("surplus", "timestamp", "modern"), numbers, spaces and punctuation.
  private static final List<String> PIECES =
      List.of(
          "**",
          "×",
          "·",
          "∙",
          "✕",
          "÷",
          "−",
          "–",
          "²",
          "³",
          "π",
          "√",
          "%",
          " of ",
          " de ",
          " des ",
          " du ",
          "square root of",
          "The Square Root Of",
          "racine carrée de",
          "RACINE CARREE DE",
          "racine de",
          "to the power of",
          "raised to the power of",
          "Raised To",
          "à la puissance",
          "a la puissance",
          "puissance",
          "squared",
          "au carré",
          "AU CARRE",
          "cubed",
          "au cube",
          "multiplied by",
          "Multiplié par",
          "times",
          "FOIS",
          "divided by",
          "divisé par",
          "Divise Par",
          " sur ",
          "sur",
          "plus",
          "PLUS",
          "minus",
          "moins",
          "modulo",
          "mod",
          "MOD",
          "x",
          "X",
          "sqrt",
          "abs",
          "floor",
          "ceil",
          "trunc",
          "fact",
          "surplus",
          "timestamp",
          "modern",
          "absolute",
          "factory",
          "ı",
          "ſ",
          "İ",
          "K",
          "12",
          "3,5",
          "0.25",
          "-7",
          "(",
          ")",
          " ",
          " ",
          ", ",
          "?",
          "what is ",
          "combien font ",
          "le chat ");

  @Test
  void theTriggersNeverSkipARewriteThatWouldHaveChangedTheText() {
    List<String> texts = new ArrayList<>();
    for (String p : PIECES) {
      texts.add("12 " + p + " 3");
      texts.add(p + "4");
    }
    Random random = new Random(16);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int j = 0; j < n; j++) {
        sb.append(PIECES.get(random.nextInt(PIECES.size())));
      }
      texts.add(sb.toString());
    }
    for (String text : texts) {
      assertThat(ExpressionFinder.normalize(text))
          .as("rewrites of '%s'", text)
          .isEqualTo(ExpressionFinder.normalize(text, true));
    }
  }

  @Test
  void aTextWithoutOperatorWordsIsLeftAsItIsLowerCased() {
    assertThat(ExpressionFinder.normalize("What is 12 * (7 + 5) - 3?"))
        .isEqualTo("what is 12 * (7 + 5) - 3?");
    assertThat(ExpressionFinder.normalize("Combien font 7 fois 8 ?"))
        .isEqualTo("combien font 7  *  8 ?");
  }
}
