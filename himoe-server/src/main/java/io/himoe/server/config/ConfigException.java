package io.himoe.server.config;

import java.util.List;

/**
 * A configuration file was refused. The message names the path of each offending field (such as
 * {@code routers[0].top_k}) and what was expected.
 */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  /**
   * @param source where the configuration came from (a file path or {@code embedded default})
   * @param problems one entry per problem, each starting with the field's path
   */
  public ConfigException(String source, List<String> problems) {
    super(
        "invalid configuration " + source + ": " + String.join("; ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  /**
   * @return each problem, starting with the field's path
   */
  public List<String> problems() {
    return problems;
  }
}
