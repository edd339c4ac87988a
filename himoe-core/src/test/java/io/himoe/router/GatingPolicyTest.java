package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.himoe.experts.ExpertId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GatingPolicyTest {

  private static List<ExpertId> ids(int n) {
    List<ExpertId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(ExpertId.of("expert-" + i));
    }
    return ids;
  }

  @Test
  void softmaxMatchesTheDefinitionAndDoesNotOverflow() {
    double[] w = GatingPolicy.softmaxStable(new double[] {1, 2, 3}, 1.0);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertThat(w[0]).isCloseTo(Math.exp(1) / z, within(1e-12));
    assertThat(w[2]).isCloseTo(Math.exp(3) / z, within(1e-12));
    double[] big = GatingPolicy.softmaxStable(new double[] {1000, 1000, -1000}, 1.0);
    assertThat(big).containsExactly(new double[] {0.5, 0.5, 0.0}, within(1e-12));
  }

  @Test
  void temperatureSharpensAndFlattens() {
    double[] cold = GatingPolicy.softmaxStable(new double[] {1, 2}, 0.1);
    double[] hot = GatingPolicy.softmaxStable(new double[] {1, 2}, 10);
    assertThat(cold[1]).isGreaterThan(0.99);
    assertThat(hot[1]).isLessThan(0.53);
  }

  @Test
  void minusInfinityExcludesAndAllMinusInfinityIsUniform() {
    double[] w = GatingPolicy.softmaxStable(new double[] {Double.NEGATIVE_INFINITY, 0}, 1);
    assertThat(w).containsExactly(0.0, 1.0);
    double[] u =
        GatingPolicy.softmaxStable(
            new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, 1);
    assertThat(u).containsExactly(0.5, 0.5);
  }

  @Test
  void badScoresAndPoliciesAreRefused() {
    assertThatThrownBy(() -> GatingPolicy.softmaxStable(new double[] {Double.NaN}, 1))
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> GatingPolicy.softmaxStable(new double[] {1}, 0))
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> new GatingPolicy(0, 0, 0)).hasMessageContaining("temperature");
    assertThatThrownBy(() -> new GatingPolicy(1, 1.5, 0)).hasMessageContaining("epsilon");
    assertThatThrownBy(() -> new GatingPolicy(1, -0.1, 0)).hasMessageContaining("epsilon");
    assertThatThrownBy(() -> new GateScores.Score(ExpertId.of("a"), Double.NaN))
        .hasMessageContaining("NaN");
    assertThatThrownBy(
            () ->
                new GateScores(
                    List.of(
                        new GateScores.Score(ExpertId.of("a"), 1),
                        new GateScores.Score(ExpertId.of("a"), 2))))
        .hasMessageContaining("twice");
  }

  /** Property tests over seeded random inputs: the invariants hold for every draw. */
  @Test
  void invariantsHoldOnRandomScores() {
    Random rnd = new Random(42);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + rnd.nextInt(40);
      double[] xs = new double[n];
      for (int i = 0; i < n; i++) {
        xs[i] = rnd.nextInt(5) == 0 ? Math.round(rnd.nextGaussian()) : rnd.nextGaussian() * 20;
      }
      double temp = 0.05 + rnd.nextDouble() * 5;
      double eps = rnd.nextDouble() < 0.2 ? 0 : rnd.nextDouble();
      long seed = rnd.nextLong();
      GatingPolicy pol = new GatingPolicy(temp, eps, seed);
      GateScores scores = GateScores.of(ids(n), xs);
      GateScores w = pol.apply(scores);

      for (double v : w.values()) {
        assertThat(v).isGreaterThanOrEqualTo(eps / n - 1e-12);
      }
      double sum = 0;
      for (double v : w.values()) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-9));
      for (int i = 1; i < n; i++) {
        assertThat(w.values()[i]).isLessThanOrEqualTo(w.values()[i - 1]);
      }
      // Deterministic: the same inputs give the same order and weights.
      assertThat(pol.apply(scores)).isEqualTo(w);
      // Permutation invariant: shuffling the input does not change the result, ties included,
      // because ties are broken by a hash of the id, not by position.
      List<GateScores.Score> shuffled = new ArrayList<>(scores.scores());
      Collections.shuffle(shuffled, rnd);
      // (Weights may differ in the last bit, since the softmax sum runs in another order.)
      GateScores p = pol.apply(new GateScores(shuffled));
      assertThat(p.ids()).isEqualTo(w.ids());
      assertThat(p.values()).containsExactly(w.values(), within(1e-12));
    }
  }

  @Test
  void tiesAreBrokenByTheSeedNotByPosition() {
    List<ExpertId> ids = ids(6);
    GateScores equal = GateScores.of(ids, new double[6]);
    List<List<ExpertId>> orders = new ArrayList<>();
    for (long seed = 0; seed < 20; seed++) {
      List<ExpertId> order = new GatingPolicy(1, 0, seed).apply(equal).ids();
      assertThat(new GatingPolicy(1, 0, seed).apply(equal).ids()).isEqualTo(order);
      orders.add(order);
    }
    // Different seeds do not always favour the same expert.
    assertThat(orders.stream().map(List::getFirst).distinct().count()).isGreaterThan(1);
  }

  @Test
  void epsilonOneIsUniformExploration() {
    GateScores w =
        new GatingPolicy(1, 1, 0).apply(GateScores.of(ids(4), new double[] {9, 0, 0, 0}));
    assertThat(w.values()).containsOnly(0.25);
  }

  @Test
  void selectionBiasesChooseTheOrderButNotTheWeights() {
    List<ExpertId> ids = ids(3);
    // Unbiased: expert-0 leads. Biased: expert-2 (1 + 3) leads, then expert-0 (3), then expert-1.
    GateScores raw = GateScores.of(ids, new double[] {3, 2, 1}, new double[] {0, -0.5, 3});
    GateScores w = GatingPolicy.ofDefaults().apply(raw);
    assertThat(w.ids()).containsExactly(ids.get(2), ids.get(0), ids.get(1));
    double[] plain = GatingPolicy.softmaxStable(new double[] {3, 2, 1}, 1.0);
    assertThat(w.valueOf(ids.get(0))).isCloseTo(plain[0], within(1e-12));
    assertThat(w.valueOf(ids.get(2))).isCloseTo(plain[2], within(1e-12));
    assertThat(w.scores()).allMatch(s -> s.selectionBias() == 0);
    assertThat(GateScores.of(ids, new double[] {3, 2, 1}).hasSelectionBias()).isFalse();
  }

  @Test
  void badSelectionBiasesAreRefused() {
    List<ExpertId> ids = ids(2);
    assertThatThrownBy(() -> GateScores.of(ids, new double[] {1, 2}, new double[] {0, Double.NaN}))
        .hasMessageContaining("selection bias for");
    assertThatThrownBy(() -> GateScores.of(ids, new double[] {1, 2}, new double[] {0}))
        .hasMessageContaining("1 selection biases");
  }

  @Test
  void manyExpertsComeOutSortedByWeightThenByTheSeededTieBreakEveryOneOnce() {
    // sizes around the insertion-sort runs (16) and their merges, logits with many ties
    Random r = new Random(9);
    for (int n : new int[] {1, 2, 15, 16, 17, 33, 100, 256, 300}) {
      List<ExpertId> ids = new ArrayList<>();
      double[] logits = new double[n];
      for (int i = 0; i < n; i++) {
        ids.add(ExpertId.of("e" + n + "-" + i));
        logits[i] = r.nextInt(4);
      }
      GatingPolicy p = new GatingPolicy(1, 0.01, 7);
      GateScores out = p.apply(GateScores.of(ids, logits));
      assertThat(out.scores()).as("n = %d", n).isSortedAccordingTo(p.order());
      assertThat(out.ids()).as("n = %d", n).containsExactlyInAnyOrderElementsOf(ids);
    }
  }
}
