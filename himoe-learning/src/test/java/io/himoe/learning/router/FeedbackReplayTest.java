package io.himoe.learning.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.bandit.RewardWeights;
import io.himoe.learning.fit.LabelledText;
import io.himoe.router.RouterConfig;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackReplayTest {

  private static ExpertRegistry registry() {
    ExpertRegistry r = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> r.register(new NamedExpert(n)));
    return r;
  }

  private static double accuracy(io.himoe.router.Router router) {
    List<LabelledText> test = SyntheticIntents.generate(25, 0, 77);
    int right = 0;
    for (LabelledText t : test) {
      right +=
          Feedbacks.answeredBy(
                      router.route(InputData.text(t.text()), Context.of(Duration.ofSeconds(5))))
                  .equals(t.label())
              ? 1
              : 0;
    }
    return right / (double) test.size();
  }

  @Test
  void aNewGateIsRebuiltFromTheLog() {
    List<LabelledText> logged = new java.util.ArrayList<>(SyntheticIntents.generate(30, 0, 5));
    java.util.Collections.shuffle(logged, new java.util.Random(1));
    List<ReplayEvent> events =
        logged.stream().map(t -> ReplayEvent.labelled(t.text(), t.label())).toList();
    NeuralRouter fresh = NeuralRouter.builder("n", registry(), new HashingEncoder(128)).build();
    double before = accuracy(fresh);
    assertThat(FeedbackReplay.replay(fresh, events, 2)).isEqualTo(240);
    assertThat(accuracy(fresh)).isGreaterThanOrEqualTo(0.9).isGreaterThan(before + 0.3);
  }

  @Test
  void rewardsReplayIntoABandit() {
    ExpertRegistry reg = registry();
    BanditRouter b =
        BanditRouter.of(
            "b", reg, RouterConfig.of(1), Bandit.ucb1(4, 0.1), RewardWeights.qualityOnly());
    List<ReplayEvent> events =
        List.of(
            ReplayEvent.rewarded("q1", "music", 1),
            ReplayEvent.rewarded("q2", "music", 1),
            ReplayEvent.rewarded("q3", "weather", 0),
            ReplayEvent.rewarded("q4", "billing", 0),
            ReplayEvent.rewarded("q5", "travel", 0));
    FeedbackReplay.replay(b, events, 1);
    assertThat(b.bandit().counts()).containsExactly(1, 1, 2, 1);
    assertThat(
            Feedbacks.answeredBy(b.route(InputData.text("x"), Context.of(Duration.ofSeconds(5)))))
        .isEqualTo("music");
    assertThatThrownBy(
            () ->
                new ReplayEvent(
                    "q", java.util.Optional.empty(), java.util.OptionalDouble.of(1), List.of()))
        .hasMessageContaining("needs a best expert");
  }
}
