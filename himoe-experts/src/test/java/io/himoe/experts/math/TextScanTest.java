package io.himoe.experts.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written scans against the regular expressions they replaced, on generated texts. */
class TextScanTest {

  // What ExpressionFinder ran before the scans: the reference.
  private static final Pattern DATE =
      Pattern.compile("\\d+(?:-\\d+){2,}|\\d{1,2}/\\d{1,2}/\\d{2,4}");
  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

  // Characters the patterns care about, plus others (a non-ASCII digit, letters, a space).
  private static final String ALPHABET = "0123456789012345-/.-/.a x٣é,";

  private static String randomText(Random random, int maxLength) {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(maxLength + 1);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  @Test
  void numbersCountsWhatTheNumberExpressionFinds() {
    Random random = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      String text = randomText(random, 16);
      assertThat(TextScan.numbers(text))
          .as("numbers in '%s'", text)
          .isEqualTo((int) NUMBER.matcher(text).results().count());
    }
    assertThat(TextScan.numbers("what is 12 * (7 + 5) - 3.5?")).isEqualTo(4);
    assertThat(TextScan.numbers("1. 2.x .3")).isEqualTo(3);
  }

  @Test
  void isDateMatchesWhatTheDateExpressionMatches() {
    Random random = new Random(11);
    int dates = 0;
    for (int i = 0; i < 200_000; i++) {
      String text = randomText(random, 12);
      boolean expected = DATE.matcher(text).matches();
      dates += expected ? 1 : 0;
      assertThat(TextScan.isDate(text)).as("is '%s' a date", text).isEqualTo(expected);
    }
    // The generated texts hold dates, not only non-dates.
    assertThat(dates).isGreaterThan(100);
    for (String date : List.of("12/03/2024", "1/2/99", "2024-03-12", "06-12-34-56", "1-2-3")) {
      assertThat(TextScan.isDate(date)).as(date).isTrue();
    }
    for (String notDate :
        List.of("", "12/03", "123/1/2024", "1/2/3", "1/2/12345", "1-2", "-1-2-3")) {
      assertThat(TextScan.isDate(notDate)).as(notDate).isFalse();
    }
  }

  @Test
  void triggersSetTheBitOfEveryRewriteWhoseTriggerTheTextContains() {
    List<List<String>> byRewrite =
        List.of(
            List.of("**"),
            List.of("×", "·"),
            List.of("square root", "racine"),
            List.of("sqrt", "abs"),
            List.of("x"),
            List.of("sur"),
            List.of("squared", "carr"));
    TextScan.Triggers triggers = new TextScan.Triggers(byRewrite);
    List<String> pieces =
        List.of(
            "**",
            "*",
            "×",
            "·",
            "square root",
            "squar",
            "racine",
            "sqrt",
            "sq",
            "abs",
            "x",
            "sur",
            "squared",
            "carré",
            "au ",
            "12",
            " ",
            "é");
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(6);
      for (int j = 0; j < n; j++) {
        sb.append(pieces.get(random.nextInt(pieces.size())));
      }
      String text = sb.toString();
      long expected = 0;
      for (int k = 0; k < byRewrite.size(); k++) {
        for (String t : byRewrite.get(k)) {
          if (text.contains(t)) {
            expected |= 1L << k;
          }
        }
      }
      assertThat(triggers.in(text)).as("triggers in '%s'", text).isEqualTo(expected);
    }
  }
}
