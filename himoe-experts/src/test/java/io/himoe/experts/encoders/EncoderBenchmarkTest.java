package io.himoe.experts.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncoderBenchmarkTest {

  @Test
  void sentencesAreRealTextWithoutHeadings() {
    List<String> s = EncoderBenchmark.sentences();
    assertThat(s).hasSizeGreaterThan(40);
    assertThat(s).noneMatch(x -> x.startsWith("#")).allMatch(x -> x.length() >= 20);
  }

  @Test
  void runsAndPrintsEveryMeasure() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> rows = EncoderBenchmark.run(1, new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertThat(rows).hasSize(2 + 5 + 6 + 1);
    assertThat(buf.toString(StandardCharsets.UTF_8))
        .contains("hashing-4096 (no cache) | latency")
        .contains("minilm-l6-v2-q (no cache) | throughput, batch 32")
        .contains("minilm-l6-v2-q (cache hit) | latency");
    assertThatThrownBy(() -> EncoderBenchmark.run(0, System.out))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
