package io.himoe.experts.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnowledgeBenchmarkTest {

  @Test
  void runsAndPrintsEveryMeasure() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> rows =
        KnowledgeBenchmark.run(1, new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertThat(rows).hasSize(2 + 3 + 3);
    assertThat(buf.toString(StandardCharsets.UTF_8))
        .contains("hashing-4096 | cold build (")
        .contains("minilm | reopen, index up to date")
        .contains("minilm | question latency p50 / p99");
    assertThatThrownBy(() -> KnowledgeBenchmark.run(0, System.out))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
