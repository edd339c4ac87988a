package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code store} section: defaults, and each mistake named by its field. */
class StoreConfigTest {

  static final String BASE =
      """
      experts:
        - name: planning
          kind: planner
      routers:
        - id: main
      """;

  static HimoeConfig parse(String yaml) {
    return ConfigLoader.of(Map.of("PGHOST_URL", "jdbc:postgresql://db:5432/himoe"))
        .parse(BASE + yaml, "test");
  }

  @Test
  void sqliteIsTheEmbeddedDefault() {
    HimoeConfig c = parse("");
    assertThat(c.store().kind()).isEqualTo("sqlite");
    assertThat(c.store().shared()).isFalse();
    assertThat(c.store().pool().max()).isEqualTo(10);
  }

  @Test
  void aPostgresStoreTakesItsUrlUserPasswordVariableAndPool() {
    HimoeConfig c =
        parse(
            """
            store:
              kind: postgres
              url: ${PGHOST_URL}
              user: himoe
              password_env: HIMOE_DB_PASSWORD
              pool: {max: 4}
            """);
    assertThat(c.store().shared()).isTrue();
    assertThat(c.store().url()).isEqualTo("jdbc:postgresql://db:5432/himoe");
    assertThat(c.store().user()).isEqualTo("himoe");
    assertThat(c.store().passwordEnv()).isEqualTo("HIMOE_DB_PASSWORD");
    assertThat(c.store().pool().max()).isEqualTo(4);
    assertThat(c.store().pool().connectTimeoutMs()).isEqualTo(2_000);
  }

  @Test
  void mistakesAreNamedByTheirField() {
    assertThatThrownBy(() -> parse("store: {kind: postgres}"))
        .hasMessageContaining("store.url: expected jdbc:postgresql://HOST:PORT/DB");
    assertThatThrownBy(() -> parse("store: {kind: mysql}"))
        .hasMessageContaining("store.kind: expected one of sqlite, postgres, got 'mysql'");
    assertThatThrownBy(() -> parse("store: {url: 'jdbc:postgresql://h/db'}"))
        .hasMessageContaining("store.url: only for kind postgres");
    assertThatThrownBy(
            () -> parse("store: {kind: postgres, url: 'jdbc:postgresql://h/db?password=x'}"))
        .hasMessageContaining("store.url: no password in the URL");
    assertThatThrownBy(
            () ->
                parse(
                    "store: {kind: postgres, url: 'jdbc:postgresql://h/db', password_env: 'a b'}"))
        .hasMessageContaining("store.password_env: expected the name of an environment variable");
    assertThatThrownBy(
            () -> parse("store: {kind: postgres, url: 'jdbc:postgresql://h/db', pool: {max: 0}}"))
        .hasMessageContaining("store.pool.max: expected a count in [1, 1000], got 0");
    assertThatThrownBy(
            () ->
                parse(
                    "store: {kind: postgres, url: 'jdbc:postgresql://h/db',"
                        + " pool: {startup_wait_ms: -1}}"))
        .hasMessageContaining("store.pool.startup_wait_ms: expected a time in ms in [0, 3600000]");
    assertThat(
            parse(
                    "store: {kind: postgres, url: 'jdbc:postgresql://h/db',"
                        + " pool: {startup_wait_ms: 30000}}")
                .store()
                .pool()
                .startupWaitMs())
        .isEqualTo(30_000L);
    assertThatThrownBy(() -> parse("store: {kind: postgres, url: 'jdbc:postgresql://h/db', x: 1}"))
        .hasMessageContaining("store.x: unknown key");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    store: {kind: postgres, url: 'jdbc:postgresql://h/db'}
                    learning: {snapshot_path: /tmp/x.snap}
                    """))
        .hasMessageContaining("learning.snapshot_path: with store.kind postgres");
  }
}
