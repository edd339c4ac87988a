package io.himoe.learning.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.learning.HashingEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutcomeFitterTest {

  @Test
  void learnsWhichModelIsGoodAtWhat() {
    // "math" queries: big model right, small wrong; "chat" queries: both right; small missing
    // from some rows (unknown, not wrong).
    Random rnd = new Random(3);
    List<OutcomeExample> train = new ArrayList<>();
    String[] math = {"integral", "equation", "derivative", "prime", "matrix"};
    String[] chat = {"hello", "joke", "story", "weather", "friend"};
    for (int i = 0; i < 200; i++) {
      boolean isMath = i % 2 == 0;
      String[] w = isMath ? math : chat;
      String q = "tell me " + w[rnd.nextInt(5)] + " " + w[rnd.nextInt(5)];
      train.add(
          i % 10 == 9
              ? new OutcomeExample(q, Map.of("big", 1.0))
              : new OutcomeExample(q, Map.of("big", 1.0, "small", isMath ? 0.0 : 1.0)));
    }
    List<Double> losses = new ArrayList<>();
    FittedOutcomes f =
        OutcomeFitter.of(new HashingEncoder(128), FitOptions.ofDefaults().withEpochs(40))
            .fit(train, (e, n, loss) -> losses.add(loss));
    assertThat(f.models()).containsExactly("big", "small");
    assertThat(losses.getLast()).isLessThan(losses.getFirst());
    Map<String, Double> m = f.predictQuality("tell me integral matrix");
    Map<String, Double> c = f.predictQuality("tell me joke story");
    assertThat(m.get("big")).isGreaterThan(0.8);
    assertThat(m.get("small")).isLessThan(0.3);
    assertThat(c.get("small")).isGreaterThan(0.7);
  }

  @Test
  void clearErrors() {
    assertThatThrownBy(() -> new OutcomeExample("q", Map.of("m", 1.5)))
        .hasMessageContaining("score of m must be in [0, 1]");
    assertThatThrownBy(
            () ->
                OutcomeFitter.of(new HashingEncoder(8), FitOptions.ofDefaults())
                    .fit(List.of(), FitProgress.none()))
        .hasMessageContaining("empty");
  }
}
