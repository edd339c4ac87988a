package io.himoe.experts.nlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageDetectorExpertTest {

  private final LanguageDetectorExpert detector = LanguageDetectorExpert.ofDefaults();
  private final Context ctx = Context.of(Duration.ofSeconds(30));

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Le chat dort paisiblement sur le canapé du salon pendant que la pluie tombe. | fra | fr",
        "The quick brown fox jumps over the lazy dog while the children are playing outside. | eng | en",
        "El perro come su comida en la cocina mientras los niños juegan en el jardín. | spa | es",
        "Der Hund schläft im Garten, während die Kinder in der Schule lernen. | deu | de",
      })
  void detectsLanguages(String text, String iso3, String iso1) {
    ExpertOut out = detector.infer(InputData.text(text), ctx);
    JsonNode root = out.value().asJson().orElseThrow();
    assertThat(root.get("schema").asInt()).isEqualTo(1);
    assertThat(root.get("language").asText()).isEqualTo(iso3);
    assertThat(root.get("iso639_1").asText()).isEqualTo(iso1);
    assertThat(root.get("alternatives")).hasSize(LanguageDetectorExpert.ALTERNATIVES);
    assertThat(out.aux().confidence())
        .isEqualTo(root.get("confidence").asDouble(), org.assertj.core.data.Offset.offset(1e-3));
    assertThat(out.aux().confidence()).isGreaterThan(0.0);
  }

  @Test
  void canHandleAndErrors() {
    assertThat(detector.canHandle("lang:detect bonjour")).isEqualTo(0.95);
    assertThat(detector.canHandle("En quelle langue est ce texte ?")).isEqualTo(0.95);
    assertThat(detector.canHandle("2+2")).isZero();
    assertThatThrownBy(() -> detector.infer(InputData.text("lang:detect "), ctx))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("empty");
  }
}
