package io.himoe.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void valueAtAPercentile() {
    long[] v = {5, 1, 4, 2, 3};
    assertThat(Percentiles.valueAt(v, 50)).isEqualTo(3);
    assertThat(Percentiles.valueAt(v, 99)).isEqualTo(5);
    assertThat(v).containsExactly(5, 1, 4, 2, 3);
    long[] hundred = LongStream.rangeClosed(1, 100).toArray();
    assertThat(Percentiles.valueAt(hundred, 99)).isEqualTo(99);
    assertThat(Percentiles.valueAt(hundred, 50)).isEqualTo(50);
    assertThat(Percentiles.millis(1_500_000)).isEqualTo(1.5);
    // Durations in ns: within HdrHistogram's 0.1 %.
    long[] nanos = LongStream.rangeClosed(1, 1000).map(i -> i * 1_234_567L).toArray();
    assertThat(Percentiles.valueAt(nanos, 99)).isCloseTo(990 * 1_234_567L, within(1_234_567L));
    assertThatThrownBy(() -> Percentiles.valueAt(new long[0], 50))
        .hasMessageContaining("no values");
    assertThatThrownBy(() -> Percentiles.valueAt(new long[] {-1}, 50)).hasMessageContaining(">= 0");
  }

  @Test
  void tokensAreFourCharactersRoundedUp() {
    assertThat(Tokens.estimate("")).isEqualTo(1);
    assertThat(Tokens.estimate("abcd")).isEqualTo(1);
    assertThat(Tokens.estimate("abcde")).isEqualTo(2);
    assertThat(Tokens.estimate("ééééé")).isEqualTo(2);
  }
}
