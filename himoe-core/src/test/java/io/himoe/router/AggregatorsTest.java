package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.router.aggregation.AggregatedOut;
import io.himoe.router.aggregation.Aggregators;
import io.himoe.router.aggregation.ValueEquivalence;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregatorsTest {

  // One context per test (JUnit makes an instance per test): a shared static one started its
  // deadline when the class loaded, so on a loaded machine later tests ran out of time.
  private final Context ctx = Context.of(Duration.ofSeconds(30));

  private static ExpertOutcome.Answered ans(String name, Value v, double conf) {
    ExpertRef ref = ExpertRef.of(TestExperts.Constant.of(name, "unused"));
    return new ExpertOutcome.Answered(ref, new ExpertOut(v, new ExpertAux(1, 0, conf, "t")));
  }

  private static GateScores weights(Object... nameWeight) {
    List<GateScores.Score> s = new ArrayList<>();
    for (int i = 0; i < nameWeight.length; i += 2) {
      s.add(
          new GateScores.Score(
              io.himoe.experts.ExpertId.of((String) nameWeight[i]), (Double) nameWeight[i + 1]));
    }
    return new GateScores(s);
  }

  @Test
  void bestScoreKeepsTheHeaviestAndReportsDisagreement() {
    AggregatedOut out =
        Aggregators.bestScore()
            .combine(
                InputData.text("q"),
                List.of(ans("a", Value.text("x"), 0.5), ans("b", Value.text("y"), 1.0)),
                weights("a", 0.3, "b", 0.7),
                ctx);
    assertThat(out.value()).isEqualTo(Value.text("y"));
    assertThat(out.alternatives())
        .extracting(AggregatedOut.Alternative::expert)
        .containsExactly("b", "a");
    assertThat(out.mix().disagreement()).isCloseTo(0.3, within(1e-9));
    assertThat(out.mix().confidence()).isCloseTo(0.3 * 0.5 + 0.7 * 1.0, within(1e-9));
  }

  @Test
  void gateWeightedAveragesNumbersAndEmbeddings() {
    AggregatedOut nums =
        Aggregators.gateWeighted()
            .combine(
                InputData.text("q"),
                List.of(ans("a", Value.text("10"), 1), ans("b", Value.text("20"), 1)),
                weights("a", 0.25, "b", 0.75),
                ctx);
    assertThat(nums.value()).isEqualTo(Value.text("17.5"));
    AggregatedOut json =
        Aggregators.gateWeighted()
            .combine(
                InputData.text("q"),
                List.of(
                    ans("a", Value.json(1, JsonNodeFactory.instance.numberNode(1.0)), 1),
                    ans("b", Value.json(1, JsonNodeFactory.instance.numberNode(3.0)), 1)),
                weights("a", 0.5, "b", 0.5),
                ctx);
    assertThat(((Value.Json) json.value()).data().doubleValue()).isEqualTo(2.0);
    AggregatedOut emb =
        Aggregators.gateWeighted()
            .combine(
                InputData.text("q"),
                List.of(
                    ans("a", Value.embedding(new float[] {1, 0}), 1),
                    ans("b", Value.embedding(new float[] {0, 1}), 1)),
                weights("a", 0.2, "b", 0.8),
                ctx);
    assertThat(((Value.Embedding) emb.value()).data()).containsExactly(0.2f, 0.8f);
    AggregatedOut text =
        Aggregators.gateWeighted()
            .combine(
                InputData.text("q"),
                List.of(ans("a", Value.text("hello"), 1), ans("b", Value.text("bye"), 1)),
                weights("a", 0.6, "b", 0.4),
                ctx);
    assertThat(text.value()).isEqualTo(Value.text("hello"));
    assertThat(text.alternatives()).hasSize(2);
  }

  @Test
  void weightsAreRenormalisedOverTheAnsweringExperts() {
    AggregatedOut out =
        Aggregators.gateWeighted()
            .combine(
                InputData.text("q"),
                List.of(ans("a", Value.text("2"), 1), ans("b", Value.text("4"), 1)),
                weights("a", 0.1, "b", 0.1, "c", 0.8),
                ctx);
    assertThat(out.value()).isEqualTo(Value.text("3"));
  }

  @Test
  void majorityVoteUsesThePluggableEquivalence() {
    List<ExpertOutcome.Answered> answers =
        List.of(
            ans("a", Value.text("Paris."), 1),
            ans("b", Value.text("paris"), 1),
            ans("c", Value.text("Lyon"), 1));
    GateScores w = weights("a", 0.2, "b", 0.2, "c", 0.6);
    AggregatedOut normalized =
        Aggregators.majorityVote(ValueEquivalence.normalizedText())
            .combine(InputData.text("q"), answers, w, ctx);
    assertThat(normalized.value().render()).isEqualToIgnoringCase("paris.");
    assertThat(normalized.mix().disagreement()).isCloseTo(0.4, within(1e-9));
    AggregatedOut exact =
        Aggregators.majorityVote(ValueEquivalence.exact())
            .combine(InputData.text("q"), answers, w, ctx);
    // Three groups of one: the tie goes to the heaviest.
    assertThat(exact.value()).isEqualTo(Value.text("Lyon"));
  }

  @Test
  void cascadeStopsAtTheFirstConfidentExpert() {
    var unsure = new TestExperts.Constant("unsure", Value.text("maybe"), 0.3, 0, "go");
    var sure = new TestExperts.Constant("sure", Value.text("yes"), 0.95, 0, null);
    var never = new TestExperts.Constant("never", Value.text("no"), 0.99, 0, null);
    KeywordRouter r =
        KeywordRouter.builder("c", ExpertRegistry.of(unsure, sure, never))
            .keyword("sure", "go", 0.5)
            .config(RouterConfig.of(3).withAggregator(Aggregators.cascade(0.9)))
            .build();
    RouteResult res = r.route(InputData.text("go"), ctx);
    assertThat(res.value()).isEqualTo(Value.text("yes"));
    assertThat(res.outcomes())
        .extracting(ExpertOutcome::status)
        .containsExactly("answered", "answered", "skipped");
    assertThat(never.calls.get()).isZero();
    assertThatThrownBy(() -> Aggregators.cascade(1.5)).hasMessageContaining("threshold");
  }

  @Test
  void synthesisGoesThroughARouter() {
    KeywordRouter synth =
        KeywordRouter.builder("synth", ExpertRegistry.of(new TestExperts.Upper("synthesizer")))
            .build();
    AggregatedOut out =
        Aggregators.synthesis(synth.asSynthesizer())
            .combine(
                InputData.text("capital of France?"),
                List.of(ans("a", Value.text("Paris"), 0.9), ans("b", Value.text("Lyon"), 0.4)),
                weights("a", 0.7, "b", 0.3),
                ctx);
    assertThat(out.value().render())
        .contains("CAPITAL OF FRANCE?")
        .contains("A (WEIGHT 0.70): PARIS")
        .contains("B (WEIGHT 0.30): LYON");
    assertThat(out.alternatives()).hasSize(2);
  }

  @Test
  void unknownStrategyIsRefused() {
    assertThatThrownBy(() -> Aggregators.byId("avg"))
        .hasMessageContaining("unknown aggregation strategy 'avg'");
    assertThat(Aggregators.byId("majority-vote").id()).isEqualTo("majority-vote");
  }
}
