package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written split of ASCII text is the split of o200k_base's regular expression. */
class O200kAsciiPiecesTest {

  // o200k_base's pre-tokenizer, as jtokkit 1.1.0 compiles it (EncodingFactory.o200kBase).
  private static final Pattern O200K =
      Pattern.compile(
          String.join(
              "|",
              "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
              "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
              "\\p{N}{1,3}",
              " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
              "\\s*[\\r\\n]+",
              "\\s+(?!\\S)",
              "\\s+"),
          Pattern.UNICODE_CHARACTER_CLASS);

  // Every ASCII class the expression tells apart, weighted towards the tricky ones.
  private static final String[] PARTS = {
    "a", "z", "A", "Z", "q", "Q", "word", "Word", "WORD", "wORD", "0", "7", "12", "1234", " ", "  ",
    "\t", "\n", "\r", "\r\n", "\u000b", "\f", "!", "?", ".", "/", "//", "'", "'s", "'S", "'t",
    "'re", "'RE", "'ve", "'m", "'ll", "'Ll", "'d", "'x", "-", "(", ")", "*", "+", "\u0001",
    "\u001f", "\u007f", "_", "~", "\"", ":", ";", "don't", "I'm", "you'LL", " 3", " !", "\n\n",
    " \n ",
  };

  private static List<String> regexPieces(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = O200K.matcher(text);
    int last = 0;
    while (m.find()) {
      // Every ASCII position starts a match: nothing is skipped.
      assertThat(m.start()).as("skipped text in %s", text).isEqualTo(last);
      out.add(m.group());
      last = m.end();
    }
    assertThat(last).isEqualTo(text.length());
    return out;
  }

  private static List<String> handPieces(String text) {
    List<String> out = new ArrayList<>();
    for (int p = 0; p < text.length(); ) {
      int e = O200kAsciiPieces.pieceEnd(text, p);
      out.add(text.substring(p, e));
      p = e;
    }
    return out;
  }

  @Test
  void generatedAsciiTextsSplitExactlyAsTheRegularExpressionSplitsThem() {
    Random r = new Random(16);
    for (int i = 0; i < 30_000; i++) {
      StringBuilder b = new StringBuilder();
      int parts = r.nextInt(12);
      for (int k = 0; k < parts; k++) {
        b.append(r.nextInt(4) == 0 ? (char) r.nextInt(128) : PARTS[r.nextInt(PARTS.length)]);
      }
      String text = b.toString();
      assertThat(handPieces(text)).as("pieces of [%s]", text).isEqualTo(regexPieces(text));
    }
  }

  @Test
  void everyPairOfAsciiCharactersSplitsAsTheRegularExpressionSplitsIt() {
    for (char a = 0; a < 128; a++) {
      for (char b = 0; b < 128; b++) {
        String text = "" + a + b + "x";
        assertThat(handPieces(text)).as("pieces of [%s]", text).isEqualTo(regexPieces(text));
      }
    }
  }

  @Test
  void countsAreJtokkitsCountsAndNonAsciiTextIsLeftToJtokkit() {
    Encoding jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    TokenCounter counter = TokenCounter.of("o200k_base");
    Random r = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder();
      int parts = r.nextInt(20);
      for (int k = 0; k < parts; k++) {
        b.append(PARTS[r.nextInt(PARTS.length)]);
      }
      String text = b.toString();
      assertThat(counter.count(text)).as("[%s]", text).isEqualTo(jtokkit.countTokensOrdinary(text));
    }
    String prose =
        "What is 12 * (7 + 5) - 3? You're asking for the value; it's 141.\n\nThe QUICK brown"
            + " fox's answer:\t/usr/bin/env  --  done!!\r\n";
    assertThat(counter.count(prose)).isEqualTo(jtokkit.countTokensOrdinary(prose));
    assertThat(O200kAsciiPieces.count("café", s -> 1)).isEqualTo(-1);
    String french = "Qu'est-ce que le système solaire ? Élémentaire.";
    assertThat(counter.count(french)).isEqualTo(jtokkit.countTokensOrdinary(french));
  }
}
