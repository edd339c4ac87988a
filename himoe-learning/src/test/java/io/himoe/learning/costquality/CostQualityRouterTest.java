package io.himoe.learning.costquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.fit.OutcomeExample;
import io.himoe.router.GatingPolicy;
import io.himoe.router.RouteResult;
import io.himoe.router.RouterConfig;
import io.himoe.router.aggregation.Aggregators;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Two experts: "cheap" (1 cost unit) answers greetings as well as "strong" (10 units) but fails
 * proofs. The router must route each kind to the cheapest expert that reaches the target.
 */
class CostQualityRouterTest {

  static final List<String> GREETINGS =
      List.of("hello there", "good morning", "hi how are you", "hey friend", "greetings to you");
  static final List<String> PROOFS =
      List.of(
          "prove the theorem",
          "prove that primes are infinite",
          "show a formal proof",
          "prove the lemma by induction",
          "derive the proof of convergence");

  static List<OutcomeExample> outcomes() {
    List<OutcomeExample> rows = new ArrayList<>();
    for (int rep = 0; rep < 8; rep++) {
      for (int i = 0; i < GREETINGS.size(); i++) {
        rows.add(new OutcomeExample(GREETINGS.get(i), Map.of("cheap", 1.0, "strong", 1.0)));
        rows.add(new OutcomeExample(PROOFS.get(i), Map.of("cheap", 0.0, "strong", 1.0)));
      }
    }
    return rows;
  }

  static CostQualityRouter.Builder builder() {
    ExpertRegistry reg =
        ExpertRegistry.of(new NamedExpert("cheap", 1, 0), new NamedExpert("strong", 10, 0));
    RouterConfig cfg =
        new RouterConfig(
            1,
            GatingPolicy.ofDefaults(),
            Aggregators.byId("best-score"),
            Optional.of(new HashingEncoder(64)),
            io.himoe.router.Reroute.off());
    return CostQualityRouter.builder("cq", reg, cfg)
        .cost("cheap", in -> 1.0)
        .cost("strong", in -> 10.0)
        .outcomes(outcomes());
  }

  static String route(CostQualityRouter r, String text) {
    return Feedbacks.answeredBy(r.route(InputData.text(text), Context.of(Duration.ofSeconds(5))));
  }

  @Test
  void theCheapExpertTakesWhatItAnswersAsWellAndTheStrongOneTheRest() {
    CostQualityRouter r = builder().target(new CostTarget.Quality(1.0)).build();
    assertThat(route(r, "hello good morning")).isEqualTo("cheap");
    assertThat(route(r, "prove this theorem")).isEqualTo("strong");
    CostQualityPolicy p = r.policy();
    assertThat(p.reached()).isTrue();
    assertThat(p.referenceModel()).isEqualTo("strong");
    assertThat(p.quality()).isEqualTo(1.0);
    // held-out rows are every fifth: half greetings, half proofs -> mean cost (1 + 10) / 2
    assertThat(p.cost()).isCloseTo(5.5, within(1e-9));
    assertThat(r.gateVersion()).contains("cost-quality:0");
  }

  @Test
  void aCostCeilingUnderTheStrongExpertsPriceSendsTheHeldOutProofsToTheCheapOne() {
    // the held-out rows (every fifth) are "hi how are you" and "derive the proof of convergence"
    CostQualityRouter r = builder().target(new CostTarget.MaxCost(2.0)).build();
    assertThat(route(r, "derive the proof of convergence")).isEqualTo("cheap");
    assertThat(r.policy().cost()).isCloseTo(1.0, within(1e-9));
    assertThat(r.policy().quality()).isCloseTo(0.5, within(1e-9));
    // without a ceiling the best quality costs 5.5 per request on the held-out rows
    assertThat(builder().target(new CostTarget.MaxCost(100)).build().policy().quality())
        .isEqualTo(1.0);
  }

  @Test
  void rewardsTeachTheAnsweringExpertsPredictorAndTheWeightIsRecalibrated() {
    CostQualityRouter r = builder().target(new CostTarget.Quality(1.0)).learning(0.5, 10).build();
    double before = r.predictQuality(InputData.text("hello good morning")).get("cheap");
    // live traffic: the cheap expert's greetings turn out wrong
    for (int i = 0; i < 40; i++) {
      RouteResult res =
          r.route(InputData.text("hello good morning"), Context.of(Duration.ofSeconds(5)));
      if (!Feedbacks.answeredBy(res).equals("cheap")) {
        break;
      }
      r.trainSignal(Feedbacks.of(res, OptionalDouble.of(0.0), Optional.empty()));
    }
    assertThat(r.predictQuality(InputData.text("hello good morning")).get("cheap"))
        .isLessThan(before);
    assertThat(route(r, "hello good morning")).isEqualTo("strong");
    assertThat(r.rewardsLearned()).isPositive();
    assertThat(r.gateVersion()).isNotEqualTo(Optional.of("cost-quality:0"));
    // feedback without a reward teaches nothing
    long n = r.rewardsLearned();
    RouteResult res = r.route(InputData.text("prove it"), Context.of(Duration.ofSeconds(5)));
    r.trainSignal(Feedbacks.of(res, OptionalDouble.empty(), Optional.empty()));
    assertThat(r.rewardsLearned()).isEqualTo(n);
  }

  @Test
  void badSetUpsAreNamed() {
    assertThatThrownBy(() -> builder().outcomes(outcomes().subList(0, 4)).build())
        .hasMessageContaining("at least 5 outcome rows");
    List<OutcomeExample> missing = new ArrayList<>(outcomes());
    missing.set(2, new OutcomeExample("hi", Map.of("cheap", 1.0)));
    assertThatThrownBy(() -> builder().outcomes(missing).build())
        .hasMessageContaining("outcome row 3 has no score for expert 'strong'");
    ExpertRegistry reg = ExpertRegistry.of(new NamedExpert("cheap"));
    RouterConfig noEncoder =
        new RouterConfig(
            1,
            GatingPolicy.ofDefaults(),
            Aggregators.byId("best-score"),
            Optional.empty(),
            io.himoe.router.Reroute.off());
    assertThatThrownBy(
            () ->
                CostQualityRouter.builder("cq", reg, noEncoder)
                    .cost("cheap", in -> 1)
                    .outcomes(outcomes())
                    .build())
        .hasMessageContaining("needs an encoder");
    RouterConfig cfg =
        new RouterConfig(
            1,
            GatingPolicy.ofDefaults(),
            Aggregators.byId("best-score"),
            Optional.of(new HashingEncoder(8)),
            io.himoe.router.Reroute.off());
    assertThatThrownBy(() -> CostQualityRouter.builder("cq", reg, cfg).outcomes(outcomes()).build())
        .hasMessageContaining("no cost for expert 'cheap'");
  }
}
