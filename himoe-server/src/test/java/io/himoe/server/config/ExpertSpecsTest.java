package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Typed expert specs from the same YAML: a variant per kind, every field checked by path. */
class ExpertSpecsTest {

  private final ConfigLoader loader = ConfigLoader.of(Map.of("K", "sk-1"));

  private HimoeConfig parse(String experts) {
    return loader.parse("experts:\n" + experts + "routers:\n  - id: main\n", "t.yaml");
  }

  @Test
  void eachKindBecomesItsVariantWithTypedOptions() {
    HimoeConfig c =
        parse(
            """
              - name: p
                kind: planner
                cost_per_call: 0.5
                max_instances: 3
              - name: k
                kind: knowledge
                options: {encoder: hashing, passages: "5", docs: ./docs}
              - name: gpt
                kind: openai
                endpoint: https://api.example.com/v1
                models: [a, b]
                api_key: ${K}
                timeout_ms: 1500
                options: {preset: coding}
            """);
    assertThat(c.experts().get(0))
        .isInstanceOfSatisfying(
            ExpertSpec.Planner.class,
            p -> {
              assertThat(p.common().cost().perCall()).isEqualTo(0.5);
              assertThat(p.common().guard().maxConcurrent()).hasValue(3);
              assertThat(p.common().guard().breaker().enabled()).isTrue();
            });
    assertThat(c.experts().get(1))
        .isInstanceOfSatisfying(
            ExpertSpec.Knowledge.class,
            k -> {
              assertThat(k.encoder()).isEqualTo("hashing");
              assertThat(k.passages()).isEqualTo(5);
              assertThat(k.docs()).isPresent();
              assertThat(k.index()).isEmpty();
            });
    assertThat(c.experts().get(2))
        .isInstanceOfSatisfying(
            ExpertSpec.Llm.class,
            l -> {
              assertThat(l.kind()).isEqualTo(ExpertKind.LLM);
              assertThat(l.endpoint()).isEqualTo(URI.create("https://api.example.com/v1"));
              assertThat(l.models()).containsExactly("a", "b");
              assertThat(l.apiKey()).contains("sk-1");
              assertThat(l.timeout()).isEqualTo(Duration.ofMillis(1500));
              assertThat(l.preset()).contains(ExpertSpec.LlmPreset.CODING);
              assertThat(l.toString()).doesNotContain("sk-1");
            });
  }

  @Test
  void theGuardSectionIsParsedWithDefaultsForWhatIsAbsent() {
    HimoeConfig c =
        parse(
            """
              - name: p
                kind: planner
                guard:
                  breaker: {failure_rate: 25, open_ms: 500}
                  retry: {max_attempts: 2}
                  time_limit_ms: 300
                  rate_limit: {calls: 10}
            """);
    GuardSpec g = c.experts().getFirst().common().guard();
    assertThat(g.breaker().failureRatePercent()).isEqualTo(25f);
    assertThat(g.breaker().open()).isEqualTo(Duration.ofMillis(500));
    assertThat(g.breaker().window()).isEqualTo(GuardSpec.Breaker.DEFAULT.window());
    assertThat(g.retry().maxAttempts()).isEqualTo(2);
    assertThat(g.timeLimit()).contains(Duration.ofMillis(300));
    assertThat(g.rateLimit())
        .isEqualTo(Optional.of(new GuardSpec.RateLimit(10, Duration.ofSeconds(1))));
  }

  @Test
  void everyProblemNamesItsFieldAndTheyAreReportedTogether() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                      - name: m
                        kind: math
                        endpoint: http://x/v1
                        options: {precision: "3"}
                      - name: k
                        kind: knowledge
                        options: {passages: many, encoder: " ", colour: red}
                      - name: l
                        kind: llm
                        endpoint: http://h/v1
                        models: [m]
                        options: {preset: poet, confidence: "2", few_shot: "65", few_shot_min_reward: "2", attempts: "0", hedge_percentile: "95"}
                        guard:
                          breaker: {failure_rate: 0}
                          retry: {max_attempts: 0}
                    """))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        "experts[0].endpoint: only an 'llm' expert has this key",
                        "experts[0].options.precision: this kind has no options",
                        "experts[1].options.colour: unknown option (expected one of: docs,"
                            + " encoder, index, passages, prior_weight)",
                        "experts[1].options.encoder: expected an encoder name (e.g. minilm,"
                            + " hashing)",
                        "experts[1].options.passages: expected a whole number, got 'many'",
                        "experts[2].options.preset: expected one of coding, reasoning, planning,"
                            + " got 'poet'",
                        "experts[2].options.confidence: expected a confidence in [0, 1], got 2",
                        "experts[2].options.few_shot: expected a number of examples from 0 to 64,"
                            + " got '65'",
                        "experts[2].options.few_shot_min_reward: expected a reward in [0, 1], got"
                            + " 2",
                        "experts[2].options.attempts: expected attempts per model from 1 to 10,"
                            + " got '0'",
                        "experts[2].options.hedge_percentile: expected an expert with several"
                            + " models (it hedges to the next one), got [m]",
                        "experts[2].options.hedge_percentile: model hedging is for plain endpoints"
                            + " without tiers (every model serves every call)",
                        "experts[2].guard.breaker.failure_rate: expected a percentage in (0,"
                            + " 100], got 0.0",
                        "experts[2].guard.retry.max_attempts: expected a count >= 1, got 0"));
  }

  @Test
  void anUnknownGuardKeyIsRefusedWithItsPath() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                      - name: p
                        kind: planner
                        guard:
                          breaker: {failure_rat: 20}
                    """))
        .hasMessageContaining("experts[0].guard.breaker.failure_rat: unknown key");
  }

  @Test
  void addedExpertsAreCheckedTheSameWay() {
    HimoeConfig.Expert bad =
        new HimoeConfig.Expert(
            "x", "llm", null, "ftp://nope", null, null, null, 0, null, null, null, null, null);
    assertThatThrownBy(() -> ExpertSpecs.of(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint: expected an http(s) URL, got 'ftp://nope'")
        .hasMessageContaining("models: expected at least one model")
        .hasMessageContaining("max_instances: expected a count >= 1");
  }
}
