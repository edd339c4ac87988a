package io.himoe.server.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which server environment variables an expert added at run time ({@code POST /v1/experts}) may
 * name in {@code api_key_env}: those matching {@code server.auth.expert_key_env} (names, {@code *}
 * matching any run of characters; default {@code *_API_KEY}), never the server's own secrets (any
 * {@code HIMOE_*} variable, such as {@code HIMOE_API_KEY} and {@code HIMOE_API_KEYS}, and the
 * store's {@code password_env}). Without it, an admin key holder could send any server variable to
 * any host as a bearer key.
 */
public final class KeyEnvPolicy {

  /** What an environment variable's name, or a pattern of names, may look like. */
  static final Pattern NAME = Pattern.compile("[A-Za-z_*][A-Za-z0-9_*]*");

  private final List<String> patterns;
  private final List<Pattern> compiled;
  private final @Nullable String storePasswordEnv;

  private KeyEnvPolicy(List<String> patterns, @Nullable String storePasswordEnv) {
    this.patterns = List.copyOf(patterns);
    this.compiled = this.patterns.stream().map(KeyEnvPolicy::glob).toList();
    this.storePasswordEnv = storePasswordEnv;
  }

  /**
   * @param config the server's configuration
   * @return its policy
   */
  public static KeyEnvPolicy of(HimoeConfig config) {
    return new KeyEnvPolicy(config.server().auth().expertKeyEnv(), config.store().passwordEnv());
  }

  /**
   * @param name an environment variable's name
   * @return whether an expert added at run time may read its key from it
   */
  public boolean allows(String name) {
    Objects.requireNonNull(name, "name");
    if (name.startsWith("HIMOE_") || name.equals(storePasswordEnv)) {
      return false;
    }
    for (Pattern p : compiled) {
      if (p.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return the allowed names and patterns, for error messages
   */
  public List<String> patterns() {
    return patterns;
  }

  private static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    String[] parts = pattern.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        re.append(".*");
      }
      if (!parts[i].isEmpty()) {
        re.append(Pattern.quote(parts[i]));
      }
    }
    return Pattern.compile(re.toString());
  }
}
