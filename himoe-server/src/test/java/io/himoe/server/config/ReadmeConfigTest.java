package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every YAML block of the README, and the full reference configuration of docs/server.md, is a
 * configuration the server accepts.
 */
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

  @Test
  void serverMdReferenceConfigurationLoads(@TempDir Path dir) throws Exception {
    String reference =
        yamlBlocks(Path.of("..", "docs", "server.md")).stream()
            .filter(b -> b.startsWith("server:") && b.contains("\nrouters:"))
            .findFirst()
            .orElseThrow();
    // Its cost-quality router reads a file of the user's: stand one in, scoring both experts.
    Path outcomes = dir.resolve("outcomes.jsonl");
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      rows.append("{\"query\": \"question ")
          .append(i)
          .append("\", \"scores\": {\"coder\": 1, \"gpt\": 0.5}}\n");
    }
    Files.writeString(outcomes, rows);
    assertThat(reference).contains("outcomes: outcomes.jsonl");
    ConfigLoader loader =
        ConfigLoader.of(
            Map.of(
                "HIMOE_ADMIN_KEY", "admin-0123456789abcdef",
                "CODER_API_KEY", "k",
                "OPENAI_API_KEY", "k"));
    HimoeConfig cfg =
        loader.parse(
            reference.replace("outcomes: outcomes.jsonl", "outcomes: \"" + outcomes + "\""),
            "docs/server.md");
    assertThat(cfg.experts()).extracting(ExpertSpec::name).contains("planning", "gpt", "coder");
    assertThat(cfg.routers())
        .extracting(HimoeConfig.Router::id)
        .contains("main", "learned", "mixed", "thrifty");
    assertThat(cfg.budgets().cost()).isEqualTo(5.0);
  }
}
