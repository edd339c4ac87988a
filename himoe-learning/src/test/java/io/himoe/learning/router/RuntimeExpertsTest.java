package io.himoe.learning.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.bandit.RewardWeights;
import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.FitProgress;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.fit.RouteFitter;
import io.himoe.learning.gate.NeuralGate;
import io.himoe.learning.state.LearningSnapshot;
import io.himoe.learning.state.SnapshotStore;
import io.himoe.router.RouteResult;
import io.himoe.router.RouterConfig;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experts registered or removed while the routers run: gates grow and shrink, bandits too. */
class RuntimeExpertsTest {

  private static final HashingEncoder ENC = new HashingEncoder(256);
  private static final List<String> FIRST = List.of("weather", "billing", "music");

  @TempDir Path dir;

  private static Context ctx() {
    return Context.of(Duration.ofSeconds(5));
  }

  private static List<LabelledText> rows(String intent, int n, long seed) {
    return SyntheticIntents.generate(n, 0, seed).stream()
        .filter(t -> t.label().equals(intent))
        .toList();
  }

  /** A neural router fitted on three intents; "travel" comes later. */
  private static NeuralRouter fittedOnThree(ExpertRegistry reg, List<LabelledText> train) {
    FittedRoutes routes =
        RouteFitter.of(ENC, FitOptions.ofDefaults())
            .fit(train, List.of(), Optional.empty(), FitProgress.none());
    return NeuralRouter.builder("main", reg, ENC)
        .fromFitted(routes, "weather")
        .trainingExamples(train)
        .hints(
            name ->
                name.equals("travel")
                    ? new ExpertHint(
                        rows("travel", 8, 5).stream().map(LabelledText::text).toList(), "")
                    : ExpertHint.none())
        .build();
  }

  private static double share(NeuralRouter r, List<LabelledText> rows, String expert) {
    int n = 0;
    for (LabelledText t : rows) {
      RouteResult res = r.route(InputData.text(t.text()), ctx());
      n += Feedbacks.answeredBy(res).equals(expert) ? 1 : 0;
    }
    return (double) n / rows.size();
  }

  @Test
  void aNeuralGateGrowsAWarmStartedOutputThatLearnsFromFeedback() {
    ExpertRegistry reg = ExpertRegistry.create();
    FIRST.forEach(n -> reg.register(new NamedExpert(n)));
    List<LabelledText> train =
        SyntheticIntents.generate(30, 0, 1).stream()
            .filter(t -> FIRST.contains(t.label()))
            .toList();
    NeuralRouter router = fittedOnThree(reg, train);
    List<LabelledText> test = SyntheticIntents.generate(25, 0, 2);
    List<LabelledText> travel = test.stream().filter(t -> t.label().equals("travel")).toList();
    List<LabelledText> others = test.stream().filter(t -> !t.label().equals("travel")).toList();
    String before = router.provenance().version();

    reg.register(new NamedExpert("travel"));
    router.syncExperts();
    assertThat(router.expertNames()).containsExactly("billing", "music", "weather", "travel");
    assertThat(router.gate().experts()).isEqualTo(4);
    assertThat(router.gate().added()).containsExactly(false, false, false, true);
    assertThat(router.provenance().version()).isNotEqualTo(before);

    // Warm-started from its examples: it takes travel requests at once, and not the others'.
    double travelShare = share(router, travel, "travel");
    double stolen = 1 - accuracy(router, others);
    System.out.printf(
        "after warm start: travel routed to the new expert %.2f, others misrouted %.2f%n",
        travelShare, stolen);
    assertThat(travelShare).isGreaterThan(0.8);
    assertThat(stolen).isLessThan(0.1);

    // Feedback: the new output stops exploring once it has had enough.
    for (LabelledText t : SyntheticIntents.generate(10, 0, 3)) {
      RouteResult r = router.route(InputData.text(t.text()), ctx());
      router.trainSignal(
          Feedbacks.of(r, OptionalDouble.empty(), Optional.of(ExpertId.of(t.label()))));
    }
    assertThat(router.gate().feedbacks()[3]).isGreaterThanOrEqualTo(10);
    assertThat(share(router, travel, "travel")).isGreaterThan(0.9);
    assertThat(accuracy(router, others)).isGreaterThan(0.9);
  }

  @Test
  void anExpertWithoutExamplesExploresAndIsLearnedFromRewards() {
    ExpertRegistry reg = ExpertRegistry.create();
    FIRST.forEach(n -> reg.register(new NamedExpert(n)));
    List<LabelledText> train =
        SyntheticIntents.generate(30, 0, 1).stream()
            .filter(t -> FIRST.contains(t.label()))
            .toList();
    FittedRoutes routes =
        RouteFitter.of(ENC, FitOptions.ofDefaults())
            .fit(train, List.of(), Optional.empty(), FitProgress.none());
    NeuralRouter router =
        NeuralRouter.builder("main", reg, ENC)
            .fromFitted(routes, "weather")
            .trainingExamples(train)
            .exploration(2.0, 30)
            .build();
    reg.register(new NamedExpert("travel"));
    // No hint: the new output gets traffic only through exploration, and rewards teach the gate.
    List<LabelledText> stream = SyntheticIntents.generate(60, 0, 4);
    java.util.Collections.shuffle(stream, new java.util.Random(7));
    int tried = 0;
    for (LabelledText t : stream) {
      RouteResult r = router.route(InputData.text(t.text()), ctx());
      boolean right = Feedbacks.answeredBy(r).equals(t.label());
      tried += Feedbacks.answeredBy(r).equals("travel") ? 1 : 0;
      router.trainSignal(Feedbacks.of(r, OptionalDouble.of(right ? 1 : 0), Optional.empty()));
    }
    List<LabelledText> travel = rows("travel", 25, 9);
    double learned = share(router, travel, "travel");
    System.out.printf(
        "cold new expert: tried %d times in 240 requests, then takes %.2f of travel%n",
        tried, learned);
    assertThat(tried).isGreaterThan(10);
    assertThat(learned).isGreaterThan(0.8);
  }

  private static double accuracy(NeuralRouter r, List<LabelledText> rows) {
    int ok = 0;
    for (LabelledText t : rows) {
      ok +=
          Feedbacks.answeredBy(r.route(InputData.text(t.text()), ctx())).equals(t.label()) ? 1 : 0;
    }
    return (double) ok / rows.size();
  }

  @Test
  void removingAnExpertShrinksTheGateAndKeepsTheOthers() {
    ExpertRegistry reg = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> reg.register(new NamedExpert(n)));
    List<LabelledText> train = SyntheticIntents.generate(30, 0, 1);
    FittedRoutes routes =
        RouteFitter.of(ENC, FitOptions.ofDefaults())
            .fit(train, List.of(), Optional.empty(), FitProgress.none());
    NeuralRouter router =
        NeuralRouter.builder("main", reg, ENC).fromFitted(routes, "weather").build();
    float[] x = ENC.encode(InputData.text("play my playlist album")).vector();
    double[] before = router.gate().logits(x);
    int music = router.expertNames().indexOf("music");
    reg.remove("billing");
    router.syncExperts();
    assertThat(router.expertNames()).doesNotContain("billing").hasSize(3);
    double[] after = router.gate().logits(x);
    assertThat(after[router.expertNames().indexOf("music")]).isEqualTo(before[music]);
    assertThat(Feedbacks.answeredBy(router.route(InputData.text("play my playlist album"), ctx())))
        .isEqualTo("music");
  }

  @Test
  void aBanditAddsAnArmItExploresAndDropsOneThatLeaves() {
    ExpertRegistry reg = ExpertRegistry.create();
    FIRST.forEach(n -> reg.register(new NamedExpert(n)));
    BanditRouter router =
        BanditRouter.of(
            "bandit", reg, RouterConfig.of(1), Bandit.ucb1(3, 1), RewardWeights.ofDefaults());
    for (int i = 0; i < 30; i++) {
      RouteResult r = router.route(InputData.text("q" + i), ctx());
      router.trainSignal(Feedbacks.of(r, OptionalDouble.of(0.5), Optional.empty()));
    }
    reg.register(new NamedExpert("travel"));
    // UCB1 plays an arm never played first: the new expert answers the next request.
    RouteResult next = router.route(InputData.text("next"), ctx());
    assertThat(Feedbacks.answeredBy(next)).isEqualTo("travel");
    assertThat(router.expertNames()).containsExactly("weather", "billing", "music", "travel");
    assertThat(router.bandit().counts()).hasSize(4);
    long[] before = router.bandit().counts();
    reg.remove("weather");
    router.route(InputData.text("again"), ctx());
    assertThat(router.expertNames()).containsExactly("billing", "music", "travel");
    long[] after = router.bandit().counts();
    // The arms that stayed kept their plays.
    assertThat(after[0] + after[1] + after[2]).isEqualTo(before[1] + before[2] + before[3]);
  }

  @Test
  void hybridRoutersSeeTheNewExpertThroughTheirInnerGate() {
    ExpertRegistry reg = ExpertRegistry.create();
    FIRST.forEach(n -> reg.register(new NamedExpert(n)));
    List<LabelledText> train =
        SyntheticIntents.generate(30, 0, 1).stream()
            .filter(t -> FIRST.contains(t.label()))
            .toList();
    HybridRouter hybrid = HybridRouter.builder("hybrid", fittedOnThree(reg, train)).build();
    reg.register(new NamedExpert("travel"));
    double s = 0;
    List<LabelledText> travel = rows("travel", 20, 11);
    for (LabelledText t : travel) {
      s +=
          Feedbacks.answeredBy(hybrid.route(InputData.text(t.text()), ctx())).equals("travel")
              ? 1
              : 0;
    }
    assertThat(s / travel.size()).isGreaterThan(0.8);
  }

  @Test
  void decisionTracesNameTheGateVersionThatDecided() {
    ExpertRegistry reg = ExpertRegistry.create();
    FIRST.forEach(n -> reg.register(new NamedExpert(n)));
    List<LabelledText> train =
        SyntheticIntents.generate(30, 0, 1).stream()
            .filter(t -> FIRST.contains(t.label()))
            .toList();
    NeuralRouter router = fittedOnThree(reg, train);
    try (io.himoe.engine.Engine engine =
        io.himoe.engine.Engine.builder(
                io.himoe.orchestrator.RuleOrchestrator.builder().router(router).build())
            .build()) {
      io.himoe.engine.Answer first = engine.ask("play my playlist");
      assertThat(first.trace().stages().getFirst().gateVersion())
          .isEqualTo(router.provenance().version())
          .endsWith(".0");
      engine.feedback(io.himoe.engine.Feedback.bestExpert(first.traceId(), "music"));
      io.himoe.engine.Answer second = engine.ask("play my playlist");
      assertThat(second.trace().stages().getFirst().gateVersion())
          .isEqualTo(router.provenance().version())
          .endsWith(".1")
          .startsWith(first.trace().stages().getFirst().gateVersion().split("\\.")[0]);
    }
  }

  @Test
  void aSnapshotCarriesTheGrownGateItsExpertsAndItsProvenance() {
    ExpertRegistry reg = ExpertRegistry.create();
    FIRST.forEach(n -> reg.register(new NamedExpert(n)));
    List<LabelledText> train =
        SyntheticIntents.generate(30, 0, 1).stream()
            .filter(t -> FIRST.contains(t.label()))
            .toList();
    NeuralRouter router = fittedOnThree(reg, train);
    reg.register(new NamedExpert("travel"));
    for (LabelledText t : SyntheticIntents.generate(5, 0, 3)) {
      RouteResult r = router.route(InputData.text(t.text()), ctx());
      router.trainSignal(
          Feedbacks.of(r, OptionalDouble.empty(), Optional.of(ExpertId.of(t.label()))));
    }
    Provenance p = router.provenance();
    assertThat(p.experts()).containsExactly("billing", "music", "weather", "travel");
    assertThat(p.encoderId()).isEqualTo(ENC.id());
    assertThat(p.dimension()).isEqualTo(256);
    assertThat(p.updates()).isEqualTo(20);
    assertThat(p.feedbacks()).isEqualTo(20);
    assertThat(p.examplesDigest()).isNotEqualTo(Provenance.EMPTY_DIGEST);
    assertThat(router.gateVersion()).contains(p.version());

    SnapshotStore store = SnapshotStore.of(dir.resolve("learned.snap"));
    store.save(LearningSnapshot.capture(Instant.EPOCH, List.of(router)));
    LearningSnapshot loaded = store.load().orElseThrow();
    assertThat(loaded.provenance().get("main")).isEqualTo(p);

    // A restart: the routes are fitted again on three experts, the registry has all four, and
    // the saved gate (four outputs) replaces the fitted one.
    FittedRoutes again =
        RouteFitter.of(ENC, FitOptions.ofDefaults())
            .fit(train, List.of(), Optional.empty(), FitProgress.none());
    NeuralRouter restored =
        NeuralRouter.builder("main", reg, ENC)
            .fromFitted(again, "weather")
            .restore(
                NeuralGate.restore(loaded.gates().get("main")), loaded.provenance().get("main"))
            .build();
    assertThat(restored.expertNames()).isEqualTo(router.expertNames());
    assertThat(restored.provenance()).isEqualTo(p);
    float[] x = ENC.encode(InputData.text("book a flight and hotel trip")).vector();
    assertThat(restored.gate().logits(x)).isEqualTo(router.gate().logits(x));
    assertThat(restored.gate().feedbacks()).isEqualTo(router.gate().feedbacks());
    assertThat(
            restored
                .gate(RouterInput.encode(InputData.text("book a flight trip"), ENC), ctx())
                .scores())
        .isEqualTo(
            router
                .gate(RouterInput.encode(InputData.text("book a flight trip"), ENC), ctx())
                .scores());
  }
}
