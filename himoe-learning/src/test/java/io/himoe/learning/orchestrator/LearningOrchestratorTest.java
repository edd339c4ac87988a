package io.himoe.learning.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.gate.Balancing;
import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.orchestrator.ShadowJudge;
import io.himoe.router.RouteResult;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LearningOrchestratorTest {

  private static ExpertRegistry registry() {
    ExpertRegistry r = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> r.register(new NamedExpert(n)));
    return r;
  }

  private static NeuralRouter neural(String id, ExpertRegistry reg, long seed) {
    return NeuralRouter.builder(id, reg, new HashingEncoder(128))
        .expertNames(SyntheticIntents.INTENTS)
        .gateConfig(GateConfig.ofDefaults().withSeed(seed).withBalancing(Balancing.NONE, 0))
        .build();
  }

  private static void teach(NeuralRouter r, List<LabelledText> data) {
    // Shuffled: an online gate fed one intent after another would forget the earlier ones.
    List<LabelledText> shuffled = new java.util.ArrayList<>(data);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    for (LabelledText t : shuffled) {
      RouteResult res = r.route(InputData.text(t.text()), Context.of(Duration.ofSeconds(5)));
      r.trainSignal(Feedbacks.of(res, OptionalDouble.empty(), Optional.of(ExpertId.of(t.label()))));
    }
  }

  /** A verifier-style judge: it knows the right intent of each test query. */
  private static ShadowJudge truthJudge(Map<String, String> truth) {
    return (p, s) -> {
      String want = truth.get(p.input().source().toText());
      return Feedbacks.answeredBy(s).equals(want) && !Feedbacks.answeredBy(p).equals(want);
    };
  }

  /** Streams queries through an engine with a fresh primary and a trained shadow. */
  private record Run(LearningOrchestrator orch, int freshRightEarly, int freshRightLate) {}

  private static Run run(double credit, double promote) {
    ExpertRegistry reg = registry();
    NeuralRouter fresh = neural("fresh", reg, 1);
    NeuralRouter expert = neural("expert", reg, 2);
    teach(expert, SyntheticIntents.generate(60, 0, 31));
    List<LabelledText> stream = SyntheticIntents.generate(50, 0, 32);
    java.util.Collections.shuffle(stream, new java.util.Random(3));
    Map<String, String> truth = new HashMap<>();
    stream.forEach(t -> truth.put(t.text(), t.label()));
    LearningOrchestrator orch =
        LearningOrchestrator.builder()
            .router(fresh)
            .shadow(expert)
            .shadowJudge(truthJudge(truth))
            .thresholds(credit, promote)
            .window(20, 10)
            .build();
    Engine engine =
        Engine.builder(orch)
            .shadowExecutor(new DirectExecutor())
            .shadowMinRemaining(Duration.ZERO)
            .defaultBudget(Duration.ofSeconds(10))
            .build();
    int early = 0;
    int late = 0;
    for (int i = 0; i < stream.size(); i++) {
      LabelledText t = stream.get(i);
      String who = orch.primaries().contains("fresh") ? "fresh" : "expert";
      RouteResult r = fresh.route(InputData.text(t.text()), Context.of(Duration.ofSeconds(5)));
      boolean right = Feedbacks.answeredBy(r).equals(t.label());
      if (i < 40) {
        early += right ? 1 : 0;
      } else if (i >= stream.size() - 40) {
        late += right ? 1 : 0;
      }
      Answer a = engine.ask(t.text());
      assertThat(a.trace().routerId()).isEqualTo(who);
    }
    return new Run(orch, early, late);
  }

  @Test
  void shadowCreditTeachesThePrimary() {
    Run r = run(0.2, 2);
    assertThat(r.orch().events())
        .anyMatch(e -> e.kind().equals("credit") && e.shadow().equals("expert"));
    assertThat(r.orch().events()).noneMatch(e -> e.kind().equals("promotion"));
    assertThat(r.orch().primaries()).containsExactly("fresh");
    // The fresh router learned from the shadow's decisions without any caller feedback.
    System.out.println(
        "shadow credit: fresh primary right "
            + r.freshRightEarly()
            + "/40 early, "
            + r.freshRightLate()
            + "/40 late");
    assertThat(r.freshRightLate()).isGreaterThan(r.freshRightEarly() + 10);
  }

  @Test
  void aConsistentlyBetterShadowIsPromoted() {
    Run r = run(1, 0.5);
    assertThat(r.orch().events())
        .anyMatch(e -> e.kind().equals("promotion") && e.shadow().equals("expert"));
    assertThat(r.orch().primaries()).containsExactly("expert");
  }

  @Test
  void routerChoiceLearnsFromRewards() {
    ExpertRegistry reg = registry();
    NeuralRouter good = neural("good", reg, 1);
    teach(good, SyntheticIntents.generate(60, 0, 41));
    NeuralRouter bad = neural("bad", reg, 2);
    LearningOrchestrator orch =
        LearningOrchestrator.builder()
            .router(bad)
            .router(good)
            .choice(Bandit.thompson(2, 0.3, 5))
            .thresholds(1, 2)
            .build();
    Engine engine = Engine.builder(orch).shadowExecutor(new DirectExecutor()).build();
    List<LabelledText> stream = SyntheticIntents.generate(40, 0, 42);
    java.util.Collections.shuffle(stream, new java.util.Random(6));
    int goodLate = 0;
    for (int i = 0; i < stream.size(); i++) {
      LabelledText t = stream.get(i);
      Answer a = engine.ask(t.text());
      String answered = a.trace().stages().getFirst().experts().getFirst().name();
      // Only the orchestrator's choice is under test here: routers do not learn from this.
      double reward = answered.equals(t.label()) ? 1 : 0;
      orch.feedback(
          io.himoe.orchestrator.OrchestrationFeedback.ofReward(
              a.traceId(), a.trace().routerId(), reward));
      if (i >= stream.size() - 60 && a.trace().routerId().equals("good")) {
        goodLate++;
      }
    }
    assertThat(goodLate).isGreaterThan(50);
    assertThat(orch.choice().counts()[1]).isGreaterThan(orch.choice().counts()[0]);
  }

  /** A primary and a shadow over different experts, with a judge that always prefers the shadow. */
  private static LearningOrchestrator disjoint(io.himoe.router.Router primary) {
    return LearningOrchestrator.builder()
        .router(primary)
        .shadow(
            io.himoe.router.KeywordRouter.builder(
                    "shadow", ExpertRegistry.of(new NamedExpert("only-in-shadow")))
                .build())
        .shadowJudge((p, s) -> true)
        .thresholds(0.1, 2)
        .window(4, 1)
        .build();
  }

  @Test
  void creditTheShadowCannotGiveIsRecordedNotSwallowed() {
    var primary =
        io.himoe.router.KeywordRouter.builder("primary", ExpertRegistry.of(new NamedExpert("p")))
            .build();
    LearningOrchestrator orch = disjoint(primary);
    try (Engine engine = Engine.builder(orch).shadowExecutor(new DirectExecutor()).build()) {
      engine.ask("anything");
    }
    assertThat(orch.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo("no-credit");
              assertThat(e.expert()).isEqualTo("only-in-shadow");
            });
  }

  @Test
  void aGateThatFailsToLearnIsNotMistakenForNoCredit() {
    ExpertRegistry reg = ExpertRegistry.of(new NamedExpert("p"), new NamedExpert("only-in-shadow"));
    var failing =
        new io.himoe.router.Router() {
          final io.himoe.router.Router inner =
              io.himoe.router.KeywordRouter.builder("primary", reg).build();

          @Override
          public String id() {
            return "primary";
          }

          @Override
          public ExpertRegistry experts() {
            return reg;
          }

          @Override
          public io.himoe.router.RouterConfig config() {
            return inner.config();
          }

          @Override
          public io.himoe.router.GateScores gate(io.himoe.shared.RouterInput in, Context ctx) {
            return inner.gate(in, ctx);
          }

          @Override
          public void trainSignal(io.himoe.router.RouterFeedback fb) {
            throw new IllegalArgumentException("gate bug: dimension 3 != 4");
          }
        };
    LearningOrchestrator orch = disjoint(failing);
    Context ctx = Context.of(Duration.ofSeconds(5));
    orch.chooseRouter(InputData.text("anything"), ctx);
    var shadowWon =
        new io.himoe.orchestrator.OrchestrationFeedback(
            ctx.traceId(),
            "primary",
            List.of("shadow"),
            Optional.of("shadow"),
            OptionalDouble.empty(),
            Optional.empty());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> orch.feedback(shadowWon))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gate bug");
    assertThat(orch.events()).noneMatch(e -> e.kind().equals("credit"));
  }
}
