package io.himoe.learning.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.learning.stats.AlwaysValidPValue;
import io.himoe.learning.stats.ConfidenceInterval;
import io.himoe.router.GateScores;
import io.himoe.router.KeywordRouter;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Scoring shadows from feedback, the ledger's statistics and its promotion rule. */
class ShadowCreditTest {

  private static final HashingEncoder ENC = new HashingEncoder(256);

  private static RouterFeedback primaryFeedback(
      String text, String chosen, OptionalDouble reward, Optional<String> target) {
    return new RouterFeedback(
        "t-" + text.hashCode(),
        RouterInput.raw(InputData.text(text)),
        GateScores.of(List.of(ExpertId.of(chosen)), new double[] {1}),
        List.of(ExpertId.of(chosen)),
        reward,
        target.map(ExpertId::of),
        1 - reward.orElse(0),
        Map.of());
  }

  private static Context ctx() {
    return Context.of(Duration.ofSeconds(1));
  }

  @Test
  void labelledFeedbackScoresBothExactlyAndAGoodShadowIsPromotable() {
    ExpertRegistry reg = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> reg.register(new NamedExpert(n)));
    NeuralRouter shadow =
        NeuralRouter.builder("shadow", reg, ENC).expertNames(SyntheticIntents.INTENTS).build();
    FeedbackCredit credit = FeedbackCredit.ofDefaults();
    ShadowLedger ledger = new ShadowLedger();
    // The primary always calls "weather"; the labels say otherwise three times out of four. The
    // shadow learns from the same labels, so it soon picks right.
    PairRecord last = null;
    List<LabelledText> stream = new java.util.ArrayList<>(SyntheticIntents.generate(40, 0, 5));
    java.util.Collections.shuffle(stream, new java.util.Random(3));
    for (LabelledText t : stream) {
      RouterFeedback f =
          primaryFeedback(t.text(), "weather", OptionalDouble.empty(), Optional.of(t.label()));
      ShadowComparison c = credit.compare("primary", f, shadow, ctx()).orElseThrow();
      assertThat(c.basis()).isEqualTo("best_expert");
      last = ledger.record(c);
      credit.observe(f);
    }
    System.out.println("shadow vs primary on labelled feedback: " + last);
    assertThat(last.comparisons()).isEqualTo(160);
    assertThat(last.shadowWins()).isGreaterThan(60);
    assertThat(last.primaryWins()).isLessThan(last.shadowWins() / 4);
    assertThat(last.winRate95().low()).isGreaterThan(0.7);
    assertThat(last.shadowSignificantlyBetter(0.05, 30)).isTrue();
    assertThat(last.pValue()).isLessThan(1e-6);
    assertThat(shadow.gate().updates()).isEqualTo(160);
  }

  @Test
  void rewardsTieOnTheSameExpertsAndAreEstimatedOnOthers() {
    ExpertRegistry reg = ExpertRegistry.of(new NamedExpert("a"), new NamedExpert("b"));
    KeywordRouter toB = KeywordRouter.builder("shadow", reg).keyword("b", "question", 1.0).build();
    FeedbackCredit credit = FeedbackCredit.of(0.1, 3);
    // Same expert as the primary: a tie at the reward.
    ShadowComparison same =
        credit
            .compare(
                "p",
                primaryFeedback("question", "b", OptionalDouble.of(0.3), Optional.empty()),
                toB,
                ctx())
            .orElseThrow();
    assertThat(same.outcome()).isEqualTo(ShadowOutcome.TIE);
    assertThat(same.basis()).isEqualTo("same_experts");
    // Another expert: no estimate until "b" has three rewards.
    RouterFeedback onA = primaryFeedback("question", "a", OptionalDouble.of(0), Optional.empty());
    assertThat(credit.compare("p", onA, toB, ctx())).isEmpty();
    for (int i = 0; i < 3; i++) {
      credit.observe(primaryFeedback("q", "b", OptionalDouble.of(0.9), Optional.empty()));
    }
    ShadowComparison est = credit.compare("p", onA, toB, ctx()).orElseThrow();
    assertThat(est.basis()).isEqualTo("estimated");
    assertThat(est.shadowScore()).isCloseTo(0.9, within(1e-9));
    assertThat(est.outcome()).isEqualTo(ShadowOutcome.SHADOW_BETTER);
    RouterFeedback goodA = primaryFeedback("question", "a", OptionalDouble.of(1), Optional.empty());
    assertThat(credit.compare("p", goodA, toB, ctx()).orElseThrow().outcome())
        .isEqualTo(ShadowOutcome.TIE);
    assertThat(
            credit.compare(
                "p",
                primaryFeedback("question", "a", OptionalDouble.empty(), Optional.empty()),
                toB,
                ctx()))
        .isEmpty();
  }

  @Test
  void theStatisticsAreTheTextbookOnes() {
    // Wilson interval of 8/10 (z = 1.96): [0.490, 0.943].
    ConfidenceInterval w = ConfidenceInterval.wilson(8, 10, ConfidenceInterval.Z95);
    assertThat(w.low()).isCloseTo(0.4902, within(1e-4));
    assertThat(w.high()).isCloseTo(0.9433, within(1e-4));
    // Λ after 8 wins and no loss: 2^8 / 9.
    assertThat(Math.exp(AlwaysValidPValue.bernoulliLogRatio(8, 0)))
        .isCloseTo(256.0 / 9, within(1e-9));
    // One-sided: 8 wins, no loss: 2^9·B(9, 1)·I_{1/2}(1, 9) = 511/9; ten losses: no evidence.
    assertThat(Math.exp(AlwaysValidPValue.winsOverHalfLogRatio(8, 0)))
        .isCloseTo(511.0 / 9, within(1e-6));
    assertThat(AlwaysValidPValue.winsOverHalfLogRatio(0, 10))
        .isCloseTo(Math.log(1 / 11.0), within(1e-9));
    assertThat(Math.exp(AlwaysValidPValue.winsOverHalfLogRatio(3000, 2900))).isLessThan(20);
    // Φ in log space: log Φ(0) = log 1/2, far tails finite.
    assertThat(AlwaysValidPValue.meanDifferenceAboveZeroLogRatio(-5, 0.01, 0.01)).isFinite();
    // Λ of an even record falls below 1: it never argues for a difference.
    assertThat(AlwaysValidPValue.bernoulliLogRatio(10, 10)).isNegative();
    AlwaysValidPValue p = new AlwaysValidPValue();
    p.observe(Math.log(40));
    p.observe(Math.log(2));
    assertThat(p.value()).isEqualTo(1 / 40.0);
    // mSPRT of the mean difference: no difference, no evidence.
    assertThat(AlwaysValidPValue.meanDifferenceLogRatio(0, 0.01, 0.01)).isNegative();
    assertThat(AlwaysValidPValue.meanDifferenceLogRatio(0.3, 0.001, 0.01)).isGreaterThan(10);
  }
}
