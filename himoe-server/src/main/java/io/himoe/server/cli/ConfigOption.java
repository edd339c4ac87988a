package io.himoe.server.cli;

import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands that build an engine. */
final class ConfigOption {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration (default: the embedded default, offline)")
  Path file;

  HimoeConfig load(Map<String, String> env) {
    ConfigLoader loader = ConfigLoader.of(env);
    return file == null ? loader.embeddedDefault() : loader.load(file);
  }

  String describe() {
    return file == null ? "embedded default" : file.toString();
  }
}
