package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which environment variables an expert added at run time may read its key from. */
class KeyEnvPolicyTest {

  private static final String EXPERTS =
      """
      experts:
        - name: planning
          kind: planner
      routers:
        - id: main
      """;

  @Test
  void byDefaultNamesEndingInApiKeyExceptTheServersOwn() {
    KeyEnvPolicy p = KeyEnvPolicy.of(ConfigLoader.of(Map.of()).parse(EXPERTS, "t"));
    assertThat(p.allows("OPENAI_API_KEY")).isTrue();
    assertThat(p.allows("MISTRAL_API_KEY")).isTrue();
    assertThat(p.allows("HIMOE_API_KEY")).isFalse();
    assertThat(p.allows("HIMOE_API_KEYS")).isFalse();
    assertThat(p.allows("PATH")).isFalse();
    assertThat(p.allows("AWS_SECRET_ACCESS_KEY")).isFalse();
    assertThat(p.allows("OPENAI_API_KEY_OLD")).isFalse();
  }

  @Test
  void theConfiguredListReplacesTheDefaultButNeverAllowsTheServersSecrets() {
    String config =
        """
        server:
          auth:
            expert_key_env: [OPENAI_API_KEY, "TEAM_*_TOKEN", "*"]
        store:
          kind: postgres
          url: jdbc:postgresql://127.0.0.1:5432/himoe
          password_env: DB_PASSWORD
        """
            + EXPERTS;
    KeyEnvPolicy p = KeyEnvPolicy.of(ConfigLoader.of(Map.of()).parse(config, "t"));
    assertThat(p.allows("TEAM_A_TOKEN")).isTrue();
    assertThat(p.allows("ANYTHING")).isTrue();
    assertThat(p.allows("DB_PASSWORD")).isFalse();
    assertThat(p.allows("HIMOE_API_KEYS")).isFalse();

    KeyEnvPolicy narrow =
        KeyEnvPolicy.of(
            ConfigLoader.of(Map.of())
                .parse("server:\n  auth:\n    expert_key_env: [OPENAI_API_KEY]\n" + EXPERTS, "t"));
    assertThat(narrow.allows("OPENAI_API_KEY")).isTrue();
    assertThat(narrow.allows("MISTRAL_API_KEY")).isFalse();
  }

  @Test
  void aMalformedEntryIsRefusedNamingItsPath() {
    assertThatThrownBy(
            () ->
                ConfigLoader.of(Map.of())
                    .parse(
                        "server:\n  auth:\n    expert_key_env: [\"OPENAI-KEY\"]\n" + EXPERTS, "t"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.auth.expert_key_env[0]");
  }
}
