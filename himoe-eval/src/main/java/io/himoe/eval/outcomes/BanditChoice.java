package io.himoe.eval.outcomes;

import io.himoe.eval.data.Outcome;
import io.himoe.learning.bandit.Bandit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Trains a bandit over the models online, with bandit feedback (only the played model's reward is
 * seen), then plays it on the test queries without further updates: context-free bandits play the
 * model of best mean reward, LinUCB the model of best score for the query.
 */
final class BanditChoice {

  /** The largest context LinUCB is given: its memory grows with arms × dimension². */
  static final int MAX_LINUCB_DIM = 512;

  private BanditChoice() {}

  /**
   * @param learner a bandit learner (not {@link Learner#GATE})
   * @param models the arms, in a fixed order
   * @param costWeight quality given up per dollar per 1,000 queries
   * @param exploration the bandit's exploration weight (UCB c, LinUCB α, Thompson scale)
   * @param seed seed of Thompson sampling
   * @param train training queries, in stream order
   * @param trainCost dollars per 1,000 queries of each model, per training query
   * @param trainX encoded training queries (LinUCB only; else null)
   * @param testCost the same per test query
   * @param testX encoded test queries (LinUCB only; else null)
   * @return the model chosen for each test query
   */
  static List<String> choose(
      Learner learner,
      List<String> models,
      double costWeight,
      double exploration,
      long seed,
      List<Outcome> train,
      List<Map<String, Double>> trainCost,
      float @Nullable [][] trainX,
      List<Map<String, Double>> testCost,
      float @Nullable [][] testX) {
    Bandit bandit =
        switch (learner) {
          case LINUCB ->
              Bandit.linUcb(
                  models.size(),
                  Objects.requireNonNull(trainX, "LinUCB learns on query vectors")[0].length,
                  exploration);
          case UCB1 -> Bandit.ucb1(models.size(), exploration);
          case THOMPSON -> Bandit.thompson(models.size(), exploration, seed);
          case GATE -> throw new IllegalArgumentException("the gate is not a bandit");
        };
    for (int i = 0; i < train.size(); i++) {
      Optional<float[]> x = trainX == null ? Optional.empty() : Optional.of(trainX[i]);
      int arm = argmax(bandit.scores(x));
      String m = models.get(arm);
      // Every outcome scores every model (Outcome validates it), and prices cover them all.
      double reward =
          Objects.requireNonNull(train.get(i).scores().get(m), m)
              - costWeight * Objects.requireNonNull(trainCost.get(i).get(m), m);
      bandit.update(arm, x, reward);
    }
    List<String> chosen = new ArrayList<>(testCost.size());
    for (int i = 0; i < testCost.size(); i++) {
      // Context-free bandits play their best mean (Thompson's scores are random draws); LinUCB
      // keeps its optimistic score, the only per-query estimate it exposes.
      double[] s = testX == null ? bandit.means() : bandit.scores(Optional.of(testX[i]));
      chosen.add(models.get(argmax(s)));
    }
    return chosen;
  }

  /** The first index of the highest score, so ties are deterministic. */
  static int argmax(double[] s) {
    int best = 0;
    for (int i = 1; i < s.length; i++) {
      if (s[i] > s[best]) {
        best = i;
      }
    }
    return best;
  }
}
