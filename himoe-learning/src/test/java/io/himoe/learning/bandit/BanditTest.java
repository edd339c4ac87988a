package io.himoe.learning.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BanditTest {

  private static final double[] P = {0.2, 0.5, 0.8, 0.4};

  /** Plays a Bernoulli bandit; returns the share of plays of the best arm in the last half. */
  private static double bestShare(Bandit b, int rounds) {
    Random rnd = new Random(1);
    int best = 0;
    for (int t = 0; t < rounds; t++) {
      double[] s = b.scores(Optional.empty());
      int arm = argmax(s);
      b.update(arm, Optional.empty(), rnd.nextDouble() < P[arm] ? 1 : 0);
      if (t >= rounds / 2 && arm == 2) {
        best++;
      }
    }
    return best / (rounds / 2.0);
  }

  private static int argmax(double[] s) {
    int a = 0;
    for (int i = 1; i < s.length; i++) {
      if (s[i] > s[a]) {
        a = i;
      }
    }
    return a;
  }

  @Test
  void ucb1FindsTheBestArm() {
    Bandit b = Bandit.ucb1(4, 1.0);
    assertThat(bestShare(b, 2000)).isGreaterThan(0.8);
    assertThat(b.means()[2]).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.05));
  }

  @Test
  void thompsonFindsTheBestArmAndIsDeterministic() {
    assertThat(bestShare(Bandit.thompson(4, 1.0, 3), 2000)).isGreaterThan(0.85);
    Bandit a = Bandit.thompson(4, 1.0, 3);
    Bandit c = Bandit.thompson(4, 1.0, 3);
    bestShare(a, 100);
    bestShare(c, 100);
    assertThat(a.state()).isEqualTo(c.state());
  }

  @Test
  void linUcbLearnsAContextualPolicy() {
    // Arm 0 pays on context e0, arm 1 on e1: no single arm is good.
    Bandit b = Bandit.linUcb(2, 3, 0.5);
    Random rnd = new Random(2);
    int right = 0;
    for (int t = 0; t < 400; t++) {
      int kind = rnd.nextInt(2);
      float[] x = kind == 0 ? new float[] {1, 0, 1} : new float[] {0, 1, 1};
      int arm = argmax(b.scores(Optional.of(x)));
      b.update(arm, Optional.of(x), arm == kind ? 1 : 0);
      if (t >= 200 && arm == kind) {
        right++;
      }
    }
    assertThat(right / 200.0).isGreaterThan(0.95);
    assertThatThrownBy(() -> b.scores(Optional.empty()))
        .hasMessageContaining("needs an encoded context");
  }

  @Test
  void stateRoundTrips() {
    for (Bandit b :
        new Bandit[] {Bandit.ucb1(4, 1), Bandit.thompson(4, 0.5, 9), Bandit.linUcb(4, 2, 1)}) {
      for (int i = 0; i < 20; i++) {
        b.update(i % 4, Optional.of(new float[] {1, i % 3}), i % 2);
      }
      Bandit r = Bandit.restore(b.state());
      assertThat(r.state()).isEqualTo(b.state());
      assertThat(r.counts()).containsExactly(b.counts());
    }
  }

  @Test
  void rewardWeighsQualityLatencyAndCost() {
    RewardWeights w = new RewardWeights(1, 0.5, 0.2, 1000, 2);
    assertThat(w.reward(1, 2000, 4))
        .isCloseTo(1 - 1 - 0.4, org.assertj.core.data.Offset.offset(1e-12));
    assertThatThrownBy(() -> new RewardWeights(1, -1, 0, 1000, 1)).hasMessageContaining("latency");
    assertThatThrownBy(() -> Bandit.ucb1(0, 1)).hasMessageContaining("arms");
  }
}
