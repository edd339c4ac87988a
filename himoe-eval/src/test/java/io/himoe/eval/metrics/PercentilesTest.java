package io.himoe.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRank() {
    long[] v = {5, 1, 4, 2, 3};
    assertThat(Percentiles.nearestRank(v, 50)).isEqualTo(3);
    assertThat(Percentiles.nearestRank(v, 99)).isEqualTo(5);
    assertThat(v).containsExactly(5, 1, 4, 2, 3);
    long[] hundred = LongStream.rangeClosed(1, 100).toArray();
    assertThat(Percentiles.nearestRank(hundred, 99)).isEqualTo(99);
    assertThat(Percentiles.nearestRank(hundred, 50)).isEqualTo(50);
    assertThat(Percentiles.millis(1_500_000)).isEqualTo(1.5);
  }

  @Test
  void tokensAreFourCharactersRoundedUp() {
    assertThat(Tokens.estimate("")).isEqualTo(1);
    assertThat(Tokens.estimate("abcd")).isEqualTo(1);
    assertThat(Tokens.estimate("abcde")).isEqualTo(2);
    assertThat(Tokens.estimate("ééééé")).isEqualTo(2);
  }
}
