package io.himoe.experts.nlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrenchTaggerExpertTest {

  private final FrenchTaggerExpert tagger = FrenchTaggerExpert.ofDefaults();
  private final Context ctx = Context.of(Duration.ofSeconds(30));

  private static List<String> field(JsonNode sentence, String f) {
    List<String> out = new ArrayList<>();
    sentence.get("tokens").forEach(t -> out.add(t.get(f).asText()));
    return out;
  }

  @Test
  void tagsFrenchSentences() {
    ExpertOut out =
        tagger.infer(
            InputData.text(
                "fr:tag Le petit chat dort sur le canapé. Les enfants mangent des pommes."),
            ctx);
    assertThat(out.value()).isInstanceOf(Value.Json.class);
    assertThat(out.value().schema()).isEqualTo(FrenchTaggerExpert.SCHEMA);
    JsonNode root = out.value().asJson().orElseThrow();
    assertThat(root.get("schema").asInt()).isEqualTo(1);
    assertThat(root.get("tagset").asText()).isEqualTo("UD");
    JsonNode sentences = root.get("sentences");
    assertThat(sentences).hasSize(2);
    JsonNode first = sentences.get(0);
    assertThat(field(first, "text"))
        .containsExactly("Le", "petit", "chat", "dort", "sur", "le", "canapé", ".");
    assertThat(field(first, "tag"))
        .containsExactly("DET", "ADJ", "NOUN", "VERB", "ADP", "DET", "NOUN", "PUNCT");
    assertThat(field(sentences.get(1), "tag")).contains("NOUN", "VERB").endsWith("PUNCT");
    assertThat(out.aux().confidence()).isBetween(0.5, 1.0);
    assertThat(out.aux().costUnits()).isZero();
  }

  @Test
  void offsetsAndElisionsFollowTheTokenizer() {
    String text = "L'enfant qu'il voit dort.";
    JsonNode s0 =
        tagger
            .infer(InputData.text(text), ctx)
            .value()
            .asJson()
            .orElseThrow()
            .get("sentences")
            .get(0);
    assertThat(field(s0, "text")).containsExactly("L'", "enfant", "qu'", "il", "voit", "dort", ".");
    assertThat(field(s0, "tag").get(0)).isEqualTo("DET");
    assertThat(field(s0, "tag").get(3)).isEqualTo("PRON");
    for (JsonNode t : s0.get("tokens")) {
      assertThat(text.substring(t.get("start").asInt(), t.get("end").asInt()))
          .isEqualTo(t.get("text").asText());
    }
  }

  @Test
  void canHandle() {
    assertThat(tagger.canHandle("fr:tag Le chat dort")).isEqualTo(0.98);
    assertThat(tagger.canHandle("fr:pos")).isEqualTo(0.98);
    assertThat(tagger.canHandle("Fais l'analyse grammaticale de cette phrase")).isEqualTo(0.7);
    assertThat(tagger.canHandle("combien font 2+2 ?")).isZero();
  }

  @Test
  void badInputIsClear() {
    assertThatThrownBy(() -> tagger.infer(InputData.text("fr:tag   "), ctx))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> tagger.infer(InputData.features(1f), ctx))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("reads text");
    assertThatThrownBy(() -> FrenchTaggerExpert.of(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancelledRequestStops() {
    CancelToken token = CancelToken.create();
    token.cancel();
    Context cancelled = Context.builder().cancel(token).build();
    assertThatThrownBy(() -> tagger.infer(InputData.text("Le chat dort."), cancelled))
        .isInstanceOf(MoeError.Cancelled.class);
  }
}
