package io.himoe.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Checks the {@code store} section; every problem names its field's path. */
final class StoreCheck {

  private static final Pattern URL = Pattern.compile("jdbc:postgresql://[^\\s/?#]+(/[^\\s?#]*)?.*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern REPLICA = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private StoreCheck() {}

  static List<String> problems(HimoeConfig c) {
    HimoeConfig.Store s = c.store();
    List<String> out = new ArrayList<>();
    switch (s.kind()) {
      case "sqlite" -> {
        onlyForPostgres("url", s.url(), out);
        onlyForPostgres("user", s.user(), out);
        onlyForPostgres("password_env", s.passwordEnv(), out);
      }
      case "postgres" -> {
        if (s.url() == null || !URL.matcher(s.url()).matches()) {
          out.add(
              "store.url: expected jdbc:postgresql://HOST:PORT/DB for kind postgres, got "
                  + (s.url() == null ? "nothing" : "'" + s.url() + "'"));
        } else if (s.url().toLowerCase(java.util.Locale.ROOT).contains("password=")) {
          out.add(
              "store.url: no password in the URL; name an environment variable in"
                  + " store.password_env");
        }
        if (s.passwordEnv() != null && !ENV_NAME.matcher(s.passwordEnv()).matches()) {
          out.add(
              "store.password_env: expected the name of an environment variable, got '"
                  + s.passwordEnv()
                  + "'");
        }
        if (c.learning().snapshotPath() != null) {
          out.add(
              "learning.snapshot_path: with store.kind postgres the learned state is kept in the"
                  + " database; remove snapshot_path");
        }
      }
      default -> out.add("store.kind: expected one of sqlite, postgres, got '" + s.kind() + "'");
    }
    if (s.pool().max() < 1 || s.pool().max() > 1000) {
      out.add("store.pool.max: expected a count in [1, 1000], got " + s.pool().max());
    }
    if (s.pool().connectTimeoutMs() < 250) {
      out.add(
          "store.pool.connect_timeout_ms: expected a time in ms >= 250, got "
              + s.pool().connectTimeoutMs());
    }
    if (s.pool().queryTimeoutMs() < 100 || s.pool().queryTimeoutMs() > 3_600_000) {
      out.add(
          "store.pool.query_timeout_ms: expected a time in ms in [100, 3600000], got "
              + s.pool().queryTimeoutMs());
    }
    if (s.pool().startupWaitMs() < 0 || s.pool().startupWaitMs() > 3_600_000) {
      out.add(
          "store.pool.startup_wait_ms: expected a time in ms in [0, 3600000], got "
              + s.pool().startupWaitMs());
    }
    if (s.replicaId() != null && !REPLICA.matcher(s.replicaId()).matches()) {
      out.add(
          "store.replica_id: expected 1-64 letters, digits or ._:- , got '" + s.replicaId() + "'");
    }
    if (s.outboxDir().isBlank()) {
      out.add("store.outbox_dir: expected a directory path, got ''");
    }
    return out;
  }

  private static void onlyForPostgres(String field, @Nullable String value, List<String> out) {
    if (value != null) {
      out.add("store." + field + ": only for kind postgres (kind is sqlite)");
    }
  }
}
