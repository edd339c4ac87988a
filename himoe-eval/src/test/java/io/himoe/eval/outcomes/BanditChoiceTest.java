package io.himoe.eval.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.eval.data.Outcome;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BanditChoiceTest {

  static final List<String> MODELS = List.of("big", "small");

  /** "big" is always right and costs $0.10 per 1k; "small" is right on 60 % and costs $0.01. */
  static List<Outcome> stream(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(
            i ->
                new Outcome(
                    "q" + i,
                    Map.of("big", 1.0, "small", i % 5 < 3 ? 1.0 : 0.0),
                    Path.of("t.jsonl"),
                    i + 1))
        .toList();
  }

  static List<Map<String, Double>> costs(int n) {
    return Collections.nCopies(n, Map.of("big", 0.10, "small", 0.01));
  }

  static List<String> play(Learner learner, double costWeight) {
    List<Outcome> train = stream(400);
    return BanditChoice.choose(
        learner, MODELS, costWeight, 0.5, 7, train, costs(400), null, costs(10), null);
  }

  @Test
  void contextFreeBanditsLearnTheBestRewardFromBanditFeedback() {
    // reward big 1 − 0·0.1 = 1 > small 0.6
    assertThat(play(Learner.UCB1, 0)).containsOnly("big").hasSize(10);
    assertThat(play(Learner.THOMPSON, 0)).containsOnly("big");
    // at weight 10: big 1 − 1 = 0 < small 0.6 − 0.1 = 0.5
    assertThat(play(Learner.UCB1, 10)).containsOnly("small");
    assertThat(play(Learner.THOMPSON, 10)).containsOnly("small");
  }

  @Test
  void linUcbUsesTheContext() {
    // Two kinds of query: on kind A only "small" is right, on kind B only "big"; equal costs.
    int n = 400;
    List<Outcome> train =
        java.util.stream.IntStream.range(0, n)
            .mapToObj(
                i ->
                    new Outcome(
                        "q" + i,
                        i % 2 == 0
                            ? Map.of("big", 0.0, "small", 1.0)
                            : Map.of("big", 1.0, "small", 0.0),
                        Path.of("t.jsonl"),
                        i + 1))
            .toList();
    float[][] x = new float[n][];
    for (int i = 0; i < n; i++) {
      x[i] = i % 2 == 0 ? new float[] {1, 0} : new float[] {0, 1};
    }
    List<Map<String, Double>> same = Collections.nCopies(n, Map.of("big", 0.05, "small", 0.05));
    float[][] test = {{1, 0}, {0, 1}};
    List<String> chosen =
        BanditChoice.choose(
            Learner.LINUCB, MODELS, 0, 0.5, 7, train, same, x, same.subList(0, 2), test);
    assertThat(chosen).containsExactly("small", "big");
  }

  @Test
  void argmaxTakesTheFirstOfTies() {
    assertThat(BanditChoice.argmax(new double[] {1, 3, 3})).isEqualTo(1);
  }
}
