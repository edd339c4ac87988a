package io.himoe.learning.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.bandit.RewardWeights;
import io.himoe.learning.fit.LabelledText;
import io.himoe.router.RouteResult;
import io.himoe.router.RouterConfig;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BanditAndHybridRouterTest {

  private static Context ctx() {
    return Context.of(Duration.ofSeconds(5));
  }

  @Test
  void banditRouterLearnsTheCheapGoodExpert() {
    // "big" is always right but costly; "small" right 90% of the time and cheap: with a cost
    // weight the bandit should prefer "small".
    ExpertRegistry reg =
        ExpertRegistry.of(
            new NamedExpert("big", 5.0, 0),
            new NamedExpert("small", 0.2, 0),
            new NamedExpert("bad", 0.1, 0));
    BanditRouter router =
        BanditRouter.of(
            "bandit",
            reg,
            RouterConfig.of(1),
            Bandit.ucb1(3, 0.5),
            new RewardWeights(1, 0, 0.1, 1000, 1));
    Random rnd = new Random(5);
    int small = 0;
    for (int t = 0; t < 600; t++) {
      RouteResult r = router.route(InputData.text("question " + t), ctx());
      String who = Feedbacks.answeredBy(r);
      double q =
          switch (who) {
            case "big" -> 1;
            case "small" -> rnd.nextDouble() < 0.9 ? 1 : 0;
            default -> 0;
          };
      // The engine records answers in the registry's stats; do the same here.
      var picked = r.picked().getFirst();
      reg.stats(picked.id()).recordAnswer(1, ((NamedExpert) picked.expert()).cost());
      router.trainSignal(Feedbacks.of(r, OptionalDouble.of(q), Optional.empty()));
      if (t >= 300 && who.equals("small")) {
        small++;
      }
    }
    assertThat(small / 300.0).isGreaterThan(0.8);
  }

  @Test
  void contextualBanditRouterRoutesByTopic() {
    ExpertRegistry reg = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> reg.register(new NamedExpert(n)));
    BanditRouter router =
        BanditRouter.of(
            "linucb",
            reg,
            RouterConfig.of(1).withEncoder(new HashingEncoder(64)),
            Bandit.linUcb(4, 64, 0.3),
            RewardWeights.qualityOnly());
    List<LabelledText> stream = SyntheticIntents.generate(100, 0, 13);
    java.util.Collections.shuffle(stream, new Random(1));
    int right = 0;
    for (int t = 0; t < stream.size(); t++) {
      LabelledText x = stream.get(t);
      RouteResult r = router.route(InputData.text(x.text()), ctx());
      boolean ok = Feedbacks.answeredBy(r).equals(x.label());
      router.trainSignal(Feedbacks.of(r, OptionalDouble.of(ok ? 1 : 0), Optional.empty()));
      if (t >= 300 && ok) {
        right++;
      }
    }
    assertThat(right / 100.0).isGreaterThan(0.85);
  }

  @Test
  void hybridMixesGateSelfConfidenceAndLoad() {
    ExpertRegistry reg =
        ExpertRegistry.of(new NamedExpert("a", 1, 0.0), new NamedExpert("b", 1, 0.9));
    BanditRouter inner =
        BanditRouter.of(
            "inner", reg, RouterConfig.of(1), Bandit.ucb1(2, 0), RewardWeights.qualityOnly());
    // Teach the bandit that "a" is better.
    for (int i = 0; i < 5; i++) {
      inner.bandit().update(0, Optional.empty(), 1);
      inner.bandit().update(1, Optional.empty(), 0);
    }
    HybridRouter gateOnly = HybridRouter.builder("h", inner).weights(1, 0).build();
    assertThat(Feedbacks.answeredBy(gateOnly.route(InputData.text("x"), ctx()))).isEqualTo("a");
    HybridRouter selfHeavy = HybridRouter.builder("h", inner).weights(0.3, 1).build();
    assertThat(Feedbacks.answeredBy(selfHeavy.route(InputData.text("x"), ctx()))).isEqualTo("b");
    // "a" at its max load: penalised, so "b" answers.
    HybridRouter limited = HybridRouter.builder("h", inner).weights(1, 0).maxLoad("a", 1).build();
    reg.stats(reg.byName("a").orElseThrow().id()).enter();
    try {
      assertThat(Feedbacks.answeredBy(limited.route(InputData.text("x"), ctx()))).isEqualTo("b");
    } finally {
      reg.stats(reg.byName("a").orElseThrow().id()).exit();
    }
    assertThat(Feedbacks.answeredBy(limited.route(InputData.text("x"), ctx()))).isEqualTo("a");
  }

  @Test
  void hybridCarriesTheInnerGatesSelectionBiases() {
    // The inner gate prefers "a" (raw 2 vs 1), but its balancing biases push "b" (+3): a neural
    // gate with bias-only balancing would call "b" and weigh by the unbiased probabilities. The
    // hybrid must do the same; before issue 18 it dropped the biases and called "a".
    ExpertRegistry reg =
        ExpertRegistry.of(new NamedExpert("a", 1, 0.0), new NamedExpert("b", 1, 0.0));
    java.util.List<io.himoe.experts.ExpertId> ids =
        reg.list().stream().map(io.himoe.experts.ExpertRef::id).toList();
    io.himoe.router.Router inner =
        new io.himoe.router.Router() {
          @Override
          public String id() {
            return "biased";
          }

          @Override
          public ExpertRegistry experts() {
            return reg;
          }

          @Override
          public RouterConfig config() {
            return RouterConfig.of(1);
          }

          @Override
          public io.himoe.router.GateScores gate(io.himoe.shared.RouterInput input, Context ctx) {
            return io.himoe.router.GateScores.of(ids, new double[] {2, 1}, new double[] {0, 3});
          }
        };
    HybridRouter hybrid = HybridRouter.builder("h", inner).weights(1, 0).build();
    io.himoe.router.GateScores scores =
        hybrid.gate(new io.himoe.shared.RouterInput.Raw(InputData.text("x")), ctx());
    assertThat(scores.hasSelectionBias()).isTrue();
    assertThat(Feedbacks.answeredBy(hybrid.route(InputData.text("x"), ctx()))).isEqualTo("b");
    // The weights stay the unbiased ones: "a" keeps the larger weight.
    io.himoe.router.GateScores weights = hybrid.config().policy().apply(scores);
    assertThat(weights.valueOf(ids.get(0))).isGreaterThan(weights.valueOf(ids.get(1)));
    // Without biases nothing changes: "a" answers.
    io.himoe.router.Router plain =
        BanditRouter.of(
            "inner", reg, RouterConfig.of(1), Bandit.ucb1(2, 0), RewardWeights.qualityOnly());
    assertThat(
            HybridRouter.builder("h2", plain)
                .weights(1, 0)
                .build()
                .gate(new io.himoe.shared.RouterInput.Raw(InputData.text("x")), ctx())
                .hasSelectionBias())
        .isFalse();
  }
}
