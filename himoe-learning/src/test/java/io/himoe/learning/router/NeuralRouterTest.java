package io.himoe.learning.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.FitProgress;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.fit.RouteFitter;
import io.himoe.learning.gate.Balancing;
import io.himoe.learning.gate.GateConfig;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.GateScores;
import io.himoe.router.RouteResult;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Learning curves: a gate improves from feedback through the real routing loop. */
class NeuralRouterTest {

  private static ExpertRegistry registry() {
    ExpertRegistry r = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> r.register(new NamedExpert(n)));
    r.register(OutOfScopeExpert.named("oos"));
    return r;
  }

  /** Accuracy on successive blocks of a feedback stream. */
  private static double[] curve(NeuralRouter router, boolean labelled, int blocks) {
    List<LabelledText> stream = SyntheticIntents.generate(100, 0, 21);
    java.util.Collections.shuffle(stream, new java.util.Random(4));
    double[] acc = new double[blocks];
    int per = stream.size() / blocks;
    for (int i = 0; i < per * blocks; i++) {
      LabelledText t = stream.get(i);
      RouteResult r = router.route(InputData.text(t.text()), Context.of(Duration.ofSeconds(5)));
      boolean right = Feedbacks.answeredBy(r).equals(t.label());
      acc[i / per] += right ? 1.0 / per : 0;
      router.trainSignal(
          labelled
              ? Feedbacks.of(r, OptionalDouble.empty(), Optional.of(ExpertId.of(t.label())))
              : Feedbacks.of(r, OptionalDouble.of(right ? 1 : 0), Optional.empty()));
    }
    return acc;
  }

  @Test
  void learnsFromLabelledFeedback() {
    NeuralRouter router =
        NeuralRouter.builder("neural", registry(), new HashingEncoder(256))
            .expertNames(SyntheticIntents.INTENTS)
            .build();
    double[] acc = curve(router, true, 10);
    System.out.println(
        "labelled learning curve (accuracy per 40 requests): " + java.util.Arrays.toString(acc));
    assertThat(acc[0]).isLessThan(acc[9] - 0.1);
    assertThat(acc[9]).isGreaterThan(0.95);
    assertThat(router.gate().updates()).isEqualTo(400);
    assertThat(router.lastLoss()).isPresent();
  }

  @Test
  void learnsFromRewardsOnly() {
    NeuralRouter router =
        NeuralRouter.builder("neural", registry(), new HashingEncoder(256))
            .expertNames(SyntheticIntents.INTENTS)
            .gateConfig(GateConfig.ofDefaults().withLearningRate(0.1))
            .build();
    double[] acc = curve(router, false, 10);
    System.out.println(
        "reward-only learning curve (accuracy per 40 requests): " + java.util.Arrays.toString(acc));
    assertThat(acc[9]).isGreaterThan(acc[0] + 0.3);
    assertThat(acc[9]).isGreaterThan(0.85);
  }

  /** Routes fitted on the synthetic intents, with out-of-scope examples labelled "oos". */
  private static FittedRoutes fitted(HashingEncoder enc) {
    return RouteFitter.of(enc, FitOptions.ofDefaults())
        .fit(
            SyntheticIntents.generate(40, 20, 1),
            SyntheticIntents.generate(15, 15, 2),
            Optional.of("oos"),
            FitProgress.none());
  }

  /** A sparse encoded input gets the scores and the picks of its dense form, on a fitted gate. */
  @Test
  void sparseAndDenseInputsRouteAlike() {
    HashingEncoder enc = new HashingEncoder(256);
    FittedRoutes routes = fitted(enc);
    NeuralRouter router =
        NeuralRouter.builder("n", registry(), enc).fromFitted(routes, "oos").build();
    int routed = 0;
    for (LabelledText t : SyntheticIntents.generate(10, 10, 13)) {
      InputData in = InputData.text(t.text());
      io.himoe.shared.Encoded dense = enc.encode(in);
      io.himoe.shared.Encoded sparse = dense.compact();
      assertThat(sparse.isSparse()).isTrue();
      Context ctx = Context.of(Duration.ofSeconds(5));
      GateScores a = router.gate(new io.himoe.shared.RouterInput.Encoded(dense, in), ctx);
      GateScores b = router.gate(new io.himoe.shared.RouterInput.Encoded(sparse, in), ctx);
      assertThat(b.values()).as(t.text()).containsExactly(a.values());
      assertThat(b.ids()).containsExactlyElementsOf(a.ids());
      routed++;
    }
    assertThat(routed).isGreaterThan(40);
  }

  @Test
  void fittedRoutesSendOutOfScopeToTheFallback() {
    HashingEncoder enc = new HashingEncoder(256);
    FittedRoutes routes = fitted(enc);
    NeuralRouter router =
        NeuralRouter.builder("n", registry(), enc)
            .fromFitted(routes, "weather")
            .rejectBelow(0.99, "weather")
            .build();
    RouteResult r =
        router.route(
            InputData.text("refund my invoice payment"), Context.of(Duration.ofSeconds(5)));
    assertThat(Feedbacks.answeredBy(r)).isEqualTo("weather");
    // The fallback is an expert outside the gate's outputs that answers Value.None.
    NeuralRouter normal =
        NeuralRouter.builder("n", registry(), enc).fromFitted(routes, "oos").build();
    RouteResult ok =
        normal.route(
            InputData.text("refund my invoice payment card"), Context.of(Duration.ofSeconds(5)));
    assertThat(Feedbacks.answeredBy(ok)).isEqualTo("billing");
    int rejected = 0;
    for (LabelledText t : SyntheticIntents.generate(0, 10, 9)) {
      boolean reject = routes.classify(t.text()).rejected();
      rejected += reject ? 1 : 0;
      RouteResult oos = normal.route(InputData.text(t.text()), Context.of(Duration.ofSeconds(5)));
      if (reject) {
        assertThat(Feedbacks.answeredBy(oos)).isEqualTo("oos");
        assertThat(oos.value()).isInstanceOf(io.himoe.shared.Value.None.class);
      } else {
        assertThat(Feedbacks.answeredBy(oos)).isEqualTo(routes.classify(t.text()).topLabel());
      }
    }
    assertThat(rejected).isGreaterThanOrEqualTo(7);
  }

  @Test
  void loadBalanceSpreadsLoad() {
    // Every request is labelled "weather": without balancing the gate sends all to weather;
    // the bias-only balancing keeps other experts in use.
    double plain = weatherShare(GateConfig.ofDefaults().withBalancing(Balancing.NONE, 0));
    double biased = weatherShare(GateConfig.ofDefaults().withBalancing(Balancing.BIAS_ONLY, 0.05));
    assertThat(plain).isGreaterThan(0.95);
    assertThat(biased).isLessThan(plain - 0.2);
  }

  @Test
  void biasOnlyBalancingSelectsByBiasedScoreAndWeighsByTheUnbiasedOne() {
    NeuralRouter router =
        NeuralRouter.builder("n", registry(), new HashingEncoder(64))
            .expertNames(SyntheticIntents.INTENTS)
            .gateConfig(GateConfig.ofDefaults().withBalancing(Balancing.BIAS_ONLY, 0.05))
            .build();
    int overruled = 0;
    for (LabelledText t : SyntheticIntents.generate(50, 0, 8)) {
      RouteResult r = router.route(InputData.text(t.text()), Context.of(Duration.ofSeconds(5)));
      double[] logits = r.scores().values();
      double[] weights = io.himoe.router.GatingPolicy.softmaxStable(logits, 1.0);
      int best = 0;
      int biasedBest = 0;
      for (int i = 1; i < logits.length; i++) {
        GateScores.Score s = r.scores().scores().get(i);
        GateScores.Score b = r.scores().scores().get(biasedBest);
        best = logits[i] > logits[best] ? i : best;
        biasedBest = s.value() + s.selectionBias() > b.value() + b.selectionBias() ? i : biasedBest;
      }
      ExpertId picked = r.picked().getFirst().id();
      assertThat(picked).isEqualTo(r.scores().ids().get(biasedBest));
      // The picked expert's weight is its unbiased softmax probability.
      assertThat(r.weights().valueOf(picked)).isCloseTo(weights[biasedBest], within(1e-12));
      overruled += best != biasedBest ? 1 : 0;
      router.trainSignal(
          Feedbacks.of(r, OptionalDouble.empty(), Optional.of(ExpertId.of("weather"))));
    }
    // Balancing did overrule the gate's own choice on part of this one-label stream.
    assertThat(overruled).isGreaterThan(10);
  }

  @Test
  void previewsNeverChangeTheLoadStatistics() {
    NeuralRouter router =
        NeuralRouter.builder("n", registry(), new HashingEncoder(64))
            .expertNames(SyntheticIntents.INTENTS)
            .gateConfig(GateConfig.ofDefaults().withBalancing(Balancing.BIAS_ONLY, 0.05))
            .build();
    try (Engine engine =
        Engine.builder(RuleOrchestrator.builder().router(router).build()).build()) {
      for (LabelledText t : SyntheticIntents.generate(20, 0, 3)) {
        engine.preview(InputData.text(t.text()), engine.newContext());
      }
      // 80 dry runs: the load window is still empty and no balancing bias moved.
      assertThat(router.gate().loadShares()).containsOnly(0.25);
      assertThat(router.gate().bias()).containsOnly(0.0);
      Answer a = engine.ask("refund my invoice payment");
      String called = a.trace().stages().getFirst().experts().getFirst().name();
      double[] shares = router.gate().loadShares();
      assertThat(shares[SyntheticIntents.INTENTS.indexOf(called)]).isEqualTo(1.0);
      assertThat(router.gate().bias()).isNotEqualTo(new double[4]);
    }
  }

  private static double weatherShare(GateConfig cfg) {
    NeuralRouter router =
        NeuralRouter.builder("n", registry(), new HashingEncoder(64))
            .expertNames(SyntheticIntents.INTENTS)
            .gateConfig(cfg)
            .build();
    List<LabelledText> stream = SyntheticIntents.generate(50, 0, 8);
    int weather = 0;
    int counted = 0;
    for (int i = 0; i < stream.size(); i++) {
      RouteResult r =
          router.route(InputData.text(stream.get(i).text()), Context.of(Duration.ofSeconds(5)));
      if (i >= 100) {
        counted++;
        weather += Feedbacks.answeredBy(r).equals("weather") ? 1 : 0;
      }
      router.trainSignal(
          Feedbacks.of(r, OptionalDouble.empty(), Optional.of(ExpertId.of("weather"))));
    }
    return (double) weather / counted;
  }
}
