package io.himoe.experts.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.encoders.HashingEncoder;
import io.himoe.experts.encoders.SentenceEncoder;
import io.himoe.experts.encoders.SentenceModel;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnowledgeExpertTest {

  @TempDir Path tmp;
  private final Context ctx = Context.of(Duration.ofSeconds(30));

  private static JsonNode top(ExpertOut out) {
    return out.value().asJson().orElseThrow().get("passages").get(0);
  }

  @Test
  void theBuiltInDocumentsCanServeUnderAnotherName() throws Exception {
    try (KnowledgeExpert k = KnowledgeExpert.builtIn("docs", tmp, HashingEncoder.of(512))) {
      assertThat(k.name()).isEqualTo("docs");
      assertThat(k.passageCount()).isGreaterThan(10);
    }
  }

  @Test
  void answersFromTheBuiltInDocuments() throws Exception {
    try (KnowledgeExpert k = KnowledgeExpert.builtIn(tmp, HashingEncoder.ofDefaults())) {
      assertThat(k.name()).isEqualTo("knowledge");
      assertThat(k.passageCount()).isGreaterThan(10);
      ExpertOut eiffel = k.infer(InputData.text("Quelle est la hauteur de la tour Eiffel ?"), ctx);
      JsonNode p = top(eiffel);
      assertThat(p.get("source").asText()).isEqualTo("france.md");
      assertThat(p.get("title").asText()).isEqualTo("La tour Eiffel");
      assertThat(p.get("text").asText()).contains("330 mètres");
      assertThat(p.get("bm25").asDouble()).isPositive();
      assertThat(eiffel.value().schema()).isEqualTo(KnowledgeExpert.SCHEMA);
      assertThat(eiffel.aux().confidence()).isGreaterThan(0.5);
      assertThat(eiffel.aux().costUnits()).isZero();
      JsonNode passages = eiffel.value().asJson().orElseThrow().get("passages");
      assertThat(passages.size()).isBetween(1, KnowledgeExpert.DEFAULT_PASSAGES);
      assertThat(passages.get(0).get("score").asDouble())
          .isGreaterThanOrEqualTo(passages.get(passages.size() - 1).get("score").asDouble());

      assertThat(
              top(k.infer(InputData.text("Which planet is the largest?"), ctx))
                  .get("source")
                  .asText())
          .isEqualTo("solar-system.md");
      assertThat(
              top(k.infer(InputData.text("When were virtual threads finalised?"), ctx))
                  .get("text")
                  .asText())
          .contains("JEP 444");
    }
  }

  @Test
  void gibberishGetsNoAnswer() throws Exception {
    try (KnowledgeExpert k = KnowledgeExpert.builtIn(tmp, HashingEncoder.ofDefaults())) {
      ExpertOut out = k.infer(InputData.text("zqxw vbnm plok"), ctx);
      assertThat(out.value()).isInstanceOf(Value.None.class);
      assertThat(out.aux().confidence()).isZero();
    }
  }

  @Test
  void vectorSideFindsParaphrasesWithoutSharedWords() throws Exception {
    try (KnowledgeExpert k =
        KnowledgeExpert.builtIn(tmp, SentenceEncoder.of(SentenceModel.MINILM_L6_V2_Q, 64))) {
      ExpertOut out = k.infer(InputData.text("Which natural satellite circles our world?"), ctx);
      JsonNode p = top(out);
      assertThat(p.get("text").asText()).contains("Moon");
      assertThat(p.get("cosine").asDouble()).isGreaterThan(0.3);
    }
  }

  @Test
  void indexIsPersistedAndRebuiltOnlyWhenDocumentsChange() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Path index = tmp.resolve("index");
    Files.writeString(docs.resolve("a.md"), "# Cats\n\nCats sleep sixteen hours a day.\n");
    HashingEncoder enc = HashingEncoder.of(256);
    int count;
    try (KnowledgeExpert k = KnowledgeExpert.open(index, docs, enc)) {
      assertThat(k.rebuilt()).isTrue();
      count = k.passageCount();
    }
    try (KnowledgeExpert k = KnowledgeExpert.open(index, docs, enc)) {
      assertThat(k.rebuilt()).isFalse();
      assertThat(k.passageCount()).isEqualTo(count);
    }
    // Another encoder means other vectors: rebuild.
    try (KnowledgeExpert k = KnowledgeExpert.open(index, docs, HashingEncoder.of(512))) {
      assertThat(k.rebuilt()).isTrue();
    }
    Files.writeString(docs.resolve("b.txt"), "Dogs bark at the postman every morning.");
    try (KnowledgeExpert k = KnowledgeExpert.open(index, docs, enc)) {
      assertThat(k.rebuilt()).isTrue();
      assertThat(top(k.infer(InputData.text("why do dogs bark"), ctx)).get("source").asText())
          .isEqualTo("b.txt");
    }
  }

  @Test
  void refreshSwapsTheIndexWhenDocumentsChange() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(docs.resolve("a.md"), "Rivers flow to the sea.");
    try (KnowledgeExpert k =
        KnowledgeExpert.open(tmp.resolve("idx"), docs, HashingEncoder.of(256))) {
      assertThat(k.refresh()).isFalse();
      Files.createDirectories(docs.resolve("sub"));
      Files.writeString(docs.resolve("sub/b.md"), "Volcanoes erupt molten lava.");
      assertThat(k.refresh()).isTrue();
      assertThat(k.refresh()).isFalse();
      assertThat(top(k.infer(InputData.text("lava from volcanoes"), ctx)).get("source").asText())
          .isEqualTo("sub/b.md");
    }
  }

  @Test
  void longDocumentsAreSplitIntoPassagesUnderHeadings() {
    String para = "Sentence number one is here. ".repeat(60);
    var passages =
        PassageSplitter.split("x/long.md", "# Title A\n\n" + para + "\n\n# Title B\nShort.");
    assertThat(passages).hasSizeGreaterThan(2);
    assertThat(passages)
        .allSatisfy(
            p -> assertThat(p.text().length()).isLessThanOrEqualTo(PassageSplitter.MAX_CHARS));
    assertThat(passages.getFirst().title()).isEqualTo("Title A");
    assertThat(passages.getLast().title()).isEqualTo("Title B");
    assertThat(passages.getLast().text()).isEqualTo("Short.");
  }

  @Test
  void badConfigurationAndInputAreClear() throws IOException {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    HashingEncoder enc = HashingEncoder.of(64);
    assertThatThrownBy(() -> KnowledgeExpert.open(tmp.resolve("i"), tmp.resolve("missing"), enc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("docsDir")
        .hasMessageContaining("not a directory");
    assertThatThrownBy(() -> KnowledgeExpert.open(docs.resolve("idx"), docs, enc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be inside docsDir");
    assertThatThrownBy(() -> KnowledgeExpert.open("k", tmp.resolve("i"), docs, enc, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("passages");
    Path big = tmp.resolve("bigdocs");
    Files.createDirectories(big);
    try (var f = new java.io.RandomAccessFile(big.resolve("huge.md").toFile(), "rw")) {
      f.setLength(DocumentSet.MAX_BYTES + 1); // sparse: no 16 MiB written
    }
    assertThatThrownBy(() -> KnowledgeExpert.open(tmp.resolve("i2"), big, enc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("huge.md is 16777217 bytes");
    Files.write(docs.resolve("bad.txt"), new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(() -> KnowledgeExpert.open(tmp.resolve("i"), docs, enc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.txt is not valid UTF-8");
  }

  @Test
  void emptyFolderAnswersNothing() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    try (KnowledgeExpert k = KnowledgeExpert.open(tmp.resolve("i"), docs, HashingEncoder.of(64))) {
      assertThat(k.passageCount()).isZero();
      assertThat(k.infer(InputData.text("anything"), ctx).value().isNone()).isTrue();
      assertThatThrownBy(() -> k.infer(InputData.features(1f), ctx))
          .isInstanceOf(MoeError.InvalidInput.class);
    }
  }

  @Test
  void canHandleUsesCuesAndTheVocabulary() throws Exception {
    try (KnowledgeExpert k = KnowledgeExpert.builtIn(tmp, HashingEncoder.of(256))) {
      assertThat(k.canHandle("What is the speed of light?")).isGreaterThan(0.6);
      assertThat(k.canHandle("Explique la tour Eiffel")).isGreaterThan(0.6);
      assertThat(k.canHandle("fr:tag zorglub")).isLessThan(0.2);
    }
  }

  @Test
  void searchesInFlightSurviveARefresh() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(docs.resolve("a.md"), "Glaciers are slow rivers of ice.");
    try (KnowledgeExpert k =
            KnowledgeExpert.open(tmp.resolve("idx"), docs, HashingEncoder.of(128));
        var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.List<java.util.concurrent.Future<ExpertOut>> answers = new java.util.ArrayList<>();
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 20; i++) {
          answers.add(exec.submit(() -> k.infer(InputData.text("glaciers of ice"), ctx)));
        }
        Files.writeString(
            docs.resolve("b" + round + ".md"), "Deserts receive little rain " + round);
        assertThat(k.refresh()).isTrue();
      }
      for (var a : answers) {
        assertThat(top(a.get()).get("source").asText()).isEqualTo("a.md");
      }
      assertThat(k.passageCount()).isEqualTo(6);
    }
  }

  @Test
  void aClosedExpertSaysSo() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(docs.resolve("a.md"), "Text.");
    KnowledgeExpert k = KnowledgeExpert.open(tmp.resolve("idx"), docs, HashingEncoder.of(64));
    k.close();
    k.close();
    assertThatThrownBy(() -> k.infer(InputData.text("text"), ctx))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
