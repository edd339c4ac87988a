package io.himoe.experts.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.encoders.HashingEncoder;
import io.himoe.experts.knowledge.KnowledgeExpert;
import io.himoe.experts.math.MathExpert;
import io.himoe.experts.nlp.FrenchTaggerExpert;
import io.himoe.experts.nlp.LanguageDetectorExpert;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local experts behind the real engine, routed by their own canHandle hints only. */
class LocalExpertsRoutingTest {

  @TempDir Path tmp;
  private KnowledgeExpert knowledge;
  private Engine engine;

  @BeforeEach
  void setUp() {
    knowledge = KnowledgeExpert.builtIn(tmp, HashingEncoder.ofDefaults());
    ExpertRegistry experts =
        ExpertRegistry.of(
            MathExpert.ofDefaults(),
            // Models load ahead of the first request, as a server would do at start.
            FrenchTaggerExpert.ofDefaults().warmUp(),
            LanguageDetectorExpert.ofDefaults().warmUp(),
            knowledge);
    KeywordRouter router = KeywordRouter.builder("local", experts).topK(1).build();
    // A loaded CI machine can be slow; the deadline is not what this test is about.
    engine =
        Engine.builder(RuleOrchestrator.builder().router(router).build())
            .defaultBudget(Duration.ofSeconds(20))
            .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    engine.close();
    knowledge.close();
  }

  @Test
  void eachQuestionReachesItsExpert() {
    assertThat(engine.ask("combien font 12*(3+4) ?").value().asText()).contains("84");

    JsonNode tags = json(engine.ask("fr:tag Le chat dort sur le canapé."));
    assertThat(tags.get("tagset").asText()).isEqualTo("UD");
    assertThat(tags.get("sentences").get(0).get("tokens").get(1).get("tag").asText())
        .isEqualTo("NOUN");

    JsonNode lang =
        json(engine.ask("lang:detect Der Hund schläft im Garten, während die Kinder spielen."));
    assertThat(lang.get("iso639_1").asText()).isEqualTo("de");

    JsonNode passages = json(engine.ask("What is the speed of light?")).get("passages");
    assertThat(passages.get(0).get("text").asText()).contains("299,792,458");
  }

  private static JsonNode json(Answer a) {
    return a.value().asJson().orElseThrow(() -> new AssertionError("not JSON: " + a.value()));
  }
}
