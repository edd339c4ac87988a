package io.himoe.experts.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.encoders.HashingEncoder;
import io.himoe.experts.knowledge.KnowledgeExpert;
import io.himoe.experts.math.MathExpert;
import io.himoe.experts.nlp.FrenchTaggerExpert;
import io.himoe.experts.nlp.LanguageDetectorExpert;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every local expert promises, checked on real sentences and on seeded random strings made of
 * the characters that trouble parsers and tokenizers: canHandle stays in [0, 1], an answer carries
 * honest aux data, and a failure is always a {@link MoeError} (never an NPE or an index error).
 */
class ExpertContractTest {

  private static final String ALPHABET =
      "0123456789+-*/^%!().,;' ’-«»?…éèàçÉ abcxyzLDQU\t\n°€$π√×÷²";
  private static final List<String> REAL =
      List.of(
          "combien font 12*(3+4) ?",
          "fr:tag L'enfant qu'il voit dort-il déjà ?",
          "lang:detect The quick brown fox jumps over the lazy dog.",
          "What is the speed of light?",
          "Quelle est la hauteur de la tour Eiffel ?",
          "😀 🚀 ✨",
          "((((((((",
          "1/0",
          "-",
          "'",
          "fr:tag",
          "x".repeat(5_000));

  @TempDir static Path tmp;
  private static KnowledgeExpert knowledge;
  private static List<Expert> experts;
  private final Context ctx = Context.of(Duration.ofMinutes(1));

  @BeforeAll
  static void setUp() {
    knowledge = KnowledgeExpert.builtIn(tmp, HashingEncoder.of(512));
    experts =
        List.of(
            MathExpert.ofDefaults(),
            FrenchTaggerExpert.ofDefaults(),
            LanguageDetectorExpert.ofDefaults(),
            knowledge);
  }

  @AfterAll
  static void tearDown() throws Exception {
    knowledge.close();
  }

  private static List<String> fuzz(int n, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + r.nextInt(40);
      for (int j = 0; j < len; j++) {
        sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
      }
      if (!sb.toString().isBlank()) {
        out.add(sb.toString());
      }
    }
    return out;
  }

  private void check(Expert e, String text) {
    assertThat(e.canHandle(text)).as("%s canHandle(%s)", e.name(), text).isBetween(0.0, 1.0);
    check(e, InputData.text(text));
  }

  private void check(Expert e, InputData input) {
    String text = input.describe();
    try {
      ExpertOut out = e.infer(input, ctx);
      assertThat(out.aux().latencyMs()).isNotNegative();
      assertThat(out.aux().costUnits()).isZero();
      assertThat(out.aux().confidence()).isBetween(0.0, 1.0);
      assertThat(out.value().schema()).isEqualTo(1);
    } catch (MoeError expected) {
      assertThat(expected.getMessage()).isNotBlank();
    } catch (Exception other) {
      throw new AssertionError(e.name() + " on '" + text + "' threw " + other, other);
    }
  }

  @Test
  void realInputs() {
    for (Expert e : experts) {
      assertThat(e.canHandle(null)).isZero();
      assertThat(e.canHandle("")).isZero();
      for (String t : REAL) {
        check(e, t);
      }
    }
  }

  @Test
  void randomInputsNeverEscapeAsOtherExceptions() {
    for (String t : fuzz(2_000, 42)) {
      check(experts.get(0), t);
    }
    for (String t : fuzz(150, 7)) {
      check(experts.get(1), t);
      check(experts.get(3), t);
    }
    for (String t : fuzz(30, 3)) {
      check(experts.get(2), t);
    }
  }

  @Test
  void featuresAreRefusedAndBytesAreRead() {
    for (Expert e : experts) {
      assertThatThrownBy(() -> e.infer(InputData.features(1f, 2f), ctx))
          .as(e.name())
          .isInstanceOf(MoeError.InvalidInput.class)
          .hasMessageContaining(e.name());
      check(e, InputData.bytes("2+2 le chat est là".getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aCancelledRequestIsRefusedByEveryExpert() {
    io.himoe.shared.CancelToken token = io.himoe.shared.CancelToken.create();
    token.cancel();
    Context cancelled = Context.builder().budget(Duration.ofMinutes(1)).cancel(token).build();
    for (Expert e : experts) {
      assertThatThrownBy(() -> e.infer(InputData.text("fr:tag combien font 2+2 ?"), cancelled))
          .as(e.name())
          .isInstanceOf(MoeError.Cancelled.class);
    }
  }
}
