package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final String MINIMAL =
      """
      experts:
        - name: planning
          kind: planner
      routers:
        - id: main
      """;

  private final ConfigLoader loader = ConfigLoader.of(Map.of("KEY", "s3cret", "HOST", "10.0.0.1"));

  @Test
  void embeddedDefaultLoadsAndIsOffline() {
    HimoeConfig c = ConfigLoader.of(Map.of()).embeddedDefault();
    assertThat(c.experts()).isNotEmpty();
    assertThat(c.routers()).isNotEmpty();
    assertThat(c.experts()).noneMatch(e -> e instanceof io.himoe.server.config.ExpertSpec.Llm);
    assertThat(c.server().port()).isEqualTo(8080);
  }

  @Test
  void minimalFileGetsDefaults() {
    HimoeConfig c = loader.parse(MINIMAL, "t");
    assertThat(c.routers().getFirst().topK()).isEqualTo(1);
    assertThat(c.routers().getFirst().type()).isEqualTo("keyword");
    assertThat(c.budgets().deadlineMs()).isEqualTo(2000);
    assertThat(c.aggregation().strategy()).isEqualTo("best-score");
    assertThat(c.server().auth().enabled()).isTrue();
  }

  @Test
  void unknownKeyIsRefusedWithItsPathAndTheKnownKeys() {
    String yaml = MINIMAL.replace("kind: planner", "kind: planner\n    kidn: x");
    assertThatThrownBy(() -> loader.parse(yaml, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("experts[0].kidn: unknown key")
        .hasMessageContaining("expected one of:")
        .hasMessageContaining("keywords");
  }

  @Test
  void aKeysCompletionBoundDefaultsToWhatFitsItsMinuteAndAnUnfitOneIsRefused() {
    String keys =
        MINIMAL
            + "server:\n  auth:\n    keys:\n"
            + "      - {alias: big, key: k-0123456789abcdef, tokens_per_min: 100000}\n"
            + "      - {alias: small, key: k-0123456789abcdeg, tokens_per_min: 100}\n";
    HimoeConfig c = loader.parse(keys, "t");
    assertThat(c.server().auth().keys())
        .extracting(HimoeConfig.Key::defaultMaxTokens)
        .containsExactly(1024, 50);
    assertThatThrownBy(
            () ->
                loader.parse(
                    keys
                        + "      - {alias: odd, key: k-0123456789abcdeh, tokens_per_min: 100,"
                        + " default_max_tokens: 100}\n",
                    "t"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "server.auth.keys[2].default_max_tokens: expected fewer than tokens_per_min (100), got"
                + " 100");
  }

  @Test
  void unknownSectionIsRefused() {
    assertThatThrownBy(() -> loader.parse(MINIMAL + "routerz: []\n", "t"))
        .hasMessageContaining("routerz: unknown key");
  }

  @Test
  void wrongTypeNamesPathAndExpectation() {
    String yaml = MINIMAL + "    top_k: two\n";
    assertThatThrownBy(() -> loader.parse(yaml, "t"))
        .hasMessageContaining("routers[0].top_k: expected a whole number");
  }

  @Test
  void invalidValuesAreAllReportedWithPaths() {
    String yaml =
        """
        budgets:
          deadline_ms: 0
          cpu_ms: 0
        experts:
          - name: planning
            kind: planner
          - name: planning
            kind: wizard
        routers:
          - id: main
            top_k: 0
            epsilon: 2
            experts: [planning, ghost]
        shadows:
          routers: [nowhere]
          sample_rate: 1.5
          max_cpu_share: 0
          max_per_second: -1
        """;
    assertThatThrownBy(() -> loader.parse(yaml, "t"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .anyMatch(p -> p.startsWith("budgets.deadline_ms: expected a time in ms > 0"))
                    .anyMatch(p -> p.startsWith("budgets.cpu_ms: expected a CPU time in ms > 0"))
                    .anyMatch(p -> p.startsWith("experts[1].name: duplicate expert name"))
                    .anyMatch(p -> p.startsWith("experts[1].kind: expected one of"))
                    .anyMatch(p -> p.startsWith("routers[0].top_k: expected a count >= 1"))
                    .anyMatch(p -> p.startsWith("routers[0].epsilon: expected a value in [0, 1]"))
                    .anyMatch(p -> p.startsWith("routers[0].experts[1]: expected one of"))
                    .anyMatch(p -> p.startsWith("shadows.routers[0]: expected one of"))
                    .anyMatch(p -> p.startsWith("shadows.sample_rate: expected a rate in [0, 1]"))
                    .anyMatch(p -> p.startsWith("shadows.max_cpu_share: expected a share > 0"))
                    .anyMatch(
                        p ->
                            p.startsWith(
                                "shadows.max_per_second: expected a rate >= 0 (0: no cap)")));
  }

  @Test
  void environmentVariablesAreSubstituted() {
    String yaml =
        """
        server:
          host: ${HOST}
          feedback_db: ${DB_DIR:-/tmp}/fb.db
          auth:
            api_keys: ["${KEY}"]
        """
            + MINIMAL;
    HimoeConfig c = loader.parse(yaml, "t");
    assertThat(c.server().host()).isEqualTo("10.0.0.1");
    assertThat(c.server().feedbackDb()).isEqualTo("/tmp/fb.db");
    assertThat(c.server().auth().apiKeys()).containsExactly("s3cret");
  }

  @Test
  void literalSecretsAreRefused() {
    String yaml =
        """
        experts:
          - name: gpt
            kind: openai
            endpoint: https://api.example.com/v1
            models: [m]
            api_key: sk-literal
        routers:
          - id: main
        """;
    assertThatThrownBy(() -> loader.parse(yaml, "t"))
        .hasMessageContaining("experts[0].api_key: secrets come from the environment");
  }

  @Test
  void missingEnvironmentVariableNamesFieldAndVariable() {
    String yaml =
        """
        experts:
          - name: gpt
            kind: openai
            endpoint: https://api.example.com/v1
            models: [m]
            api_key: ${OPENAI_API_KEY}
        routers:
          - id: main
        """;
    assertThatThrownBy(() -> loader.parse(yaml, "t"))
        .hasMessageContaining("experts[0].api_key: environment variable OPENAI_API_KEY is not set");
  }

  @Test
  void endpointKindsNeedAUrlAndModels() {
    String yaml =
        """
        experts:
          - name: gpt
            kind: openai
            endpoint: not a url
        routers:
          - id: main
        """;
    assertThatThrownBy(() -> loader.parse(yaml, "t"))
        .hasMessageContaining("experts[0].endpoint: expected an http(s) URL")
        .hasMessageContaining("experts[0].models: expected at least one model");
  }

  @Test
  void syntaxErrorsGiveALine() {
    assertThatThrownBy(() -> loader.parse("experts: [\n  - a: b\n  c", "t"))
        .hasMessageContaining("line ")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void emptyAndMissingFilesAreRefused(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> loader.parse("", "t")).hasMessageContaining("the file is empty");
    assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
        .hasMessageContaining("nope.yaml")
        .hasMessageContaining("file not found");
    Path f = dir.resolve("ok.yaml");
    Files.writeString(f, MINIMAL);
    assertThat(loader.load(f).experts()).hasSize(1);
  }

  @Test
  void stringsAreNotCoercedToNumbers() {
    assertThatThrownBy(() -> loader.parse(MINIMAL + "    top_k: \"2\"\n", "t"))
        .hasMessageContaining("routers[0].top_k");
  }
}
