package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every YAML block of the README is a configuration the server accepts. */
class ReadmeConfigTest {

  static List<String> yamlBlocks(Path file) throws Exception {
    List<String> blocks = new ArrayList<>();
    StringBuilder cur = null;
    for (String line : Files.readAllLines(file)) {
      if (cur == null && line.strip().equals("```yaml")) {
        cur = new StringBuilder();
      } else if (cur != null && line.strip().equals("```")) {
        blocks.add(cur.toString());
        cur = null;
      } else if (cur != null) {
        cur.append(line).append('\n');
      }
    }
    return blocks;
  }

  @Test
  void readmeLlmEndpointExampleIsAValidConfiguration() throws Exception {
    List<String> blocks = yamlBlocks(Path.of("..", "README.md"));
    assertThat(blocks).isNotEmpty();
    ConfigLoader loader = ConfigLoader.of(Map.of("CODER_API_KEY", "k"));
    for (String yaml : blocks) {
      HimoeConfig cfg = loader.parse(yaml, "README.md");
      assertThat(cfg.experts()).isNotEmpty();
    }
  }
}
