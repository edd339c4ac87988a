package io.himoe.experts.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.experts.ExpertFeedback;
import io.himoe.experts.encoders.HashingEncoder;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The knowledge expert learns which passages help, and remembers it across a restart. */
class KnowledgeLearningTest {

  private static final String QUERY = "how long should green tea steep";

  @TempDir Path tmp;

  private Path docs() throws Exception {
    Path docs = tmp.resolve("docs");
    Files.createDirectories(docs);
    Files.writeString(
        docs.resolve("shop.md"),
        "# Green tea offers\n\nGreen tea: steep it and enjoy, our green tea is on sale this week.\n");
    Files.writeString(
        docs.resolve("guide.md"),
        "# Brewing\n\nSteep green tea for two to three minutes in water at 80 degrees.\n");
    Files.writeString(docs.resolve("other.md"), "# Coffee\n\nCoffee beans are roasted.\n");
    return docs;
  }

  private static KnowledgeExpert open(Path tmp, Path docs) {
    return KnowledgeExpert.open("kb", tmp.resolve("index"), docs, HashingEncoder.of(512), 1);
  }

  private static JsonNode ask(KnowledgeExpert k, String traceId) throws Exception {
    Context ctx = Context.builder().budget(Duration.ofSeconds(30)).traceId(traceId).build();
    return k.infer(InputData.text(QUERY), ctx)
        .value()
        .asJson()
        .orElseThrow()
        .get("passages")
        .get(0);
  }

  /** A user rates the answer and says the knowledge expert was the right one to ask. */
  private static ExpertFeedback rated(String traceId, double reward) {
    return new ExpertFeedback(
        traceId,
        "main",
        InputData.text(QUERY),
        1.0,
        OptionalDouble.of(reward),
        Optional.of("kb"),
        Optional.empty());
  }

  @Test
  void rankingFollowsFeedbackAndSurvivesARestart() throws Exception {
    Path docs = docs();
    String first;
    String learned;
    try (KnowledgeExpert k = open(tmp, docs)) {
      first = ask(k, "t0").get("source").asText();
      String other = first.equals("shop.md") ? "guide.md" : "shop.md";
      // Users find the first answer useless and the other one right: the ranking follows.
      int n = 0;
      String top = first;
      while (top.equals(first) && n < 20) {
        k.learn(rated("t" + n, 0));
        top = ask(k, "t" + ++n).get("source").asText();
      }
      assertThat(top).isEqualTo(other);
      for (int i = 0; i < 5; i++) {
        ask(k, "u" + i);
        k.learn(rated("u" + i, 1));
      }
      JsonNode p = ask(k, "v");
      learned = p.get("source").asText();
      assertThat(learned).isEqualTo(other);
      assertThat(p.get("prior").asDouble()).isGreaterThan(0.7);
    }
    assertThat(KnowledgeExpert.priorsFile(tmp.resolve("index"))).exists();
    try (KnowledgeExpert k = open(tmp, docs)) {
      JsonNode p = ask(k, "after-restart");
      assertThat(p.get("source").asText()).isEqualTo(learned).isNotEqualTo(first);
      assertThat(p.get("prior").asDouble()).isGreaterThan(0.7);
    }
  }

  @Test
  void feedbackNamingAnotherExpertBlamesTheRoutingNotThePassages() throws Exception {
    try (KnowledgeExpert k = open(tmp, docs())) {
      ask(k, "a");
      k.learn(
          new ExpertFeedback(
              "a",
              "main",
              InputData.text(QUERY),
              1.0,
              OptionalDouble.of(0),
              Optional.of("some-other-expert"),
              Optional.empty()));
      assertThat(ask(k, "b").get("prior").asDouble()).isEqualTo(0.5);
    }
  }

  @Test
  void aFailureNobodyAttributesCountsAgainstThePassages() throws Exception {
    try (KnowledgeExpert k = open(tmp, docs())) {
      ask(k, "a");
      k.learn(
          new ExpertFeedback(
              "a",
              "main",
              InputData.text(QUERY),
              1.0,
              OptionalDouble.of(0),
              Optional.empty(),
              Optional.empty()));
      // The answer was rated and the routing was not blamed: (0 + 2) / (1 + 4).
      assertThat(ask(k, "b").get("prior").asDouble())
          .isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void feedbackWithoutAnAnswerOrAQualityIsIgnored() throws Exception {
    try (KnowledgeExpert k = open(tmp, docs())) {
      JsonNode before = ask(k, "a");
      k.learn(rated("never-answered", 0));
      k.learn(
          new ExpertFeedback(
              "a",
              "main",
              InputData.text(QUERY),
              1.0,
              OptionalDouble.empty(),
              Optional.empty(),
              Optional.of("some label")));
      JsonNode after = ask(k, "b");
      assertThat(after.get("source")).isEqualTo(before.get("source"));
      assertThat(after.get("prior").asDouble()).isEqualTo(0.5);
    }
  }

  @Test
  void namingTheExpertAsBestCountsAsAFullReward() throws Exception {
    try (KnowledgeExpert k = open(tmp, docs())) {
      ask(k, "a");
      k.learn(
          new ExpertFeedback(
              "a",
              "main",
              InputData.text(QUERY),
              1.0,
              OptionalDouble.empty(),
              Optional.of("kb"),
              Optional.empty()));
      // One full reward, spread over the query's terms: (1 + 2) / (1 + 4).
      assertThat(ask(k, "b").get("prior").asDouble())
          .isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void aCorruptPriorsFileIsRefusedNamingIt() throws Exception {
    Path docs = docs();
    Files.writeString(KnowledgeExpert.priorsFile(tmp.resolve("index")), "{\"schema\":7}");
    assertThatThrownBy(() -> open(tmp, docs))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("index.priors.json");
  }
}
