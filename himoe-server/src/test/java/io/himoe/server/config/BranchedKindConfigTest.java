package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server jar leaves himoe-branches out, so without it on the class path a {@code branched}
 * expert is a configuration error that says how to enable it (himoe-it serves the kind itself).
 */
class BranchedKindConfigTest {

  @Test
  void withoutHimoeBranchesTheKindSaysHowToEnableIt() {
    assertThatThrownBy(
            () ->
                ConfigLoader.of(Map.of())
                    .parse(
                        """
                        experts:
                          - name: digits
                            kind: branched
                            options: {learner: digits.learner}
                        routers:
                          - id: main
                        """,
                        "test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("experts[0].kind: 'branched' needs himoe-branches")
        .hasMessageContaining("./himoe serve --with branches");
  }
}
