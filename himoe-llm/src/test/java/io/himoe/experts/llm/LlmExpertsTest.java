package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.llm.OpenAiTestServer.Ok;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmExpertsTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private OpenAiTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new OpenAiTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private List<LlmClient> models(String... names) {
    return java.util.Arrays.stream(names)
        .map(
            n ->
                LlmClient.openAi(
                    OpenAiEndpoint.of(n, server.baseUrl(), n),
                    LlmPolicy.ofDefaults(),
                    k -> null,
                    clock))
        .toList();
  }

  @Test
  void codingSelfAssessmentFollowsTheSeedInEnglishAndFrench() {
    LlmExpert coding = LlmExperts.coding(models("qwen-coder"));

    // write, function, fix, error: 4 hits at 0.15
    assertThat(coding.canHandle("Write a function to fix this error"))
        .isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    // écris, fonction: 2 hits, plus a code fence
    assertThat(coding.canHandle("Écris une fonction :\n```python\ndef f(): pass\n```"))
        .isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(coding.canHandle("Quel temps fait-il à Lyon ?")).isZero();
    // "code" must not match inside "barcode-less" words like "decoder"
    assertThat(coding.canHandle("the decoder ring")).isZero();
  }

  @Test
  void reasoningRewardsIndicatorsAndLongQuestions() {
    LlmExpert reasoning = LlmExperts.reasoning(models("qwq"));

    assertThat(reasoning.canHandle("Why is the sky blue? Explain.")).isEqualTo(0.24, within());
    assertThat(reasoning.canHandle("Pourquoi le ciel est-il bleu ? Explique."))
        .isEqualTo(0.24, within());
    String longQ =
        "Compare these two designs and weigh the pros and cons of each one for a team of five"
            + " engineers who maintain a large legacy codebase";
    // compare, pros and cons, plus the long-question bonus
    assertThat(reasoning.canHandle(longQ)).isEqualTo(0.44, within());
    assertThat(reasoning.canHandle("show me")).isZero();
  }

  @Test
  void planningAnswersAreParsedIntoPlans() {
    server.then(
        new Ok(
            "Voici le plan :\n1. Réserver la salle\n2. Inviter l'équipe\n3) Préparer l'ordre du jour",
            20,
            15,
            "stop"));
    LlmExpert planning = LlmExperts.planning(models("planner"));

    ExpertOut out =
        planning.infer(InputData.text("Organise une réunion"), Context.of(Duration.ofSeconds(5)));

    assertThat(out.value())
        .isInstanceOfSatisfying(
            Value.Plan.class,
            p -> {
              assertThat(p.data().goal()).isEqualTo("Organise une réunion");
              assertThat(p.data().steps())
                  .extracting(s -> s.description())
                  .containsExactly(
                      "Réserver la salle", "Inviter l'équipe", "Préparer l'ordre du jour");
            });
    assertThat(server.requests().getFirst().path("messages").get(0).path("content").asText())
        .isEqualTo(LlmExperts.PLANNING_PROMPT);
    assertThat(planning.canHandle("Planifier les étapes du projet")).isGreaterThan(0.2);
  }

  @Test
  void aPlanningAnswerWithoutStepsStaysText() {
    server.then(new Ok("Je ne peux pas planifier cela.", 5, 5, "stop"));
    LlmExpert planning = LlmExperts.planning(models("planner"));

    assertThat(planning.infer(InputData.text("plan"), Context.of(Duration.ofSeconds(5))).value())
        .isEqualTo(Value.text("Je ne peux pas planifier cela."));
  }

  @Test
  void seedInstanceLimitsAreCappedByTheModelsGiven() {
    LlmExpert coding = LlmExperts.coding(models("a", "b", "c", "d"));
    assertThat(coding.maxInstances()).isEqualTo(3);
    assertThat(coding.instances()).isEqualTo(3);
    assertThat(coding.maxLoadPerInstance()).isEqualTo(10);
    assertThat(LlmExperts.reasoning(models("a")).maxInstances()).isEqualTo(1);
  }

  @Test
  void idleInstancesAreReleasedDownToTheMinimumAndAddedBackUpToTheMaximum() {
    LlmExpert e =
        LlmExpert.builder("x")
            .clients(models("a", "b", "c"))
            .clock(clock)
            .instances(1, 3, 4)
            .build();

    assertThat(e.releaseIdleInstance(Duration.ofMinutes(5))).isFalse(); // used just now
    clock.advance(Duration.ofMinutes(6));
    assertThat(e.releaseIdleInstance(Duration.ofMinutes(5))).isTrue();
    assertThat(e.releaseIdleInstance(Duration.ofMinutes(5))).isTrue();
    assertThat(e.releaseIdleInstance(Duration.ofMinutes(5))).isFalse(); // minimum is 1
    assertThat(e.instances()).isEqualTo(1);
    assertThat(e.capacity()).isEqualTo(4);

    server.always(new Ok("hi", 1, 1, "stop"));
    for (int i = 0; i < 3; i++) {
      assertThat(e.complete(InputData.text("q"), Context.of(Duration.ofSeconds(5))).endpoint())
          .isEqualTo("a"); // released instances get no calls
    }
    assertThat(e.addInstance()).isTrue();
    assertThat(e.addInstance()).isTrue();
    assertThat(e.addInstance()).isFalse();
    assertThat(e.instances()).isEqualTo(3);
  }

  @Test
  void specsBuildPresetsAndRejectUnknownOnes() {
    OpenAiEndpoint ep = OpenAiEndpoint.of("m", server.baseUrl(), "m");
    LlmExpert e =
        new LlmExpertSpec("my-coder", "Coding", List.of(ep), null, null, 1, 4)
            .build(k -> null, clock);
    assertThat(e.name()).isEqualTo("my-coder");
    assertThat(e.canHandle("debug this code")).isGreaterThan(0);
    assertThat(e.maxInstances()).isEqualTo(1);
    assertThat(e.maxLoadPerInstance()).isEqualTo(4);
    assertThat(
            LlmExpertSpec.of("plain", null, List.of(ep)).build(k -> null, clock).canHandle("debug"))
        .isZero();

    assertThatThrownBy(() -> LlmExpertSpec.of("x", "poetry", List.of(ep)))
        .hasMessageContaining("preset 'poetry' is unknown");
    assertThatThrownBy(() -> LlmExpertSpec.of("x", null, List.of()))
        .hasMessageContaining("llm expert x: endpoints is empty");
    assertThatThrownBy(() -> OpenAiEndpoint.of("e", "ftp://host", "m"))
        .hasMessageContaining("endpoint e: baseUrl 'ftp://host' must be an http(s) URL");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
