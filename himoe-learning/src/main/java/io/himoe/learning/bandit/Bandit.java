package io.himoe.learning.bandit;

import java.util.Optional;

/**
 * A multi-armed bandit over experts that cannot be trained by gradient (symbolic, remote): each arm
 * is an expert, scored from the rewards its answers earned. Implementations are thread-safe.
 */
public interface Bandit {

  /**
   * @return number of arms
   */
  int arms();

  /**
   * @param context the encoded input (required by contextual bandits, ignored by others)
   * @return one finite score per arm; the highest should be played
   */
  double[] scores(Optional<float[]> context);

  /**
   * @param arm the arm played
   * @param context the encoded input it was played on (contextual bandits)
   * @param reward the reward observed
   */
  void update(int arm, Optional<float[]> context, double reward);

  /**
   * @return plays per arm
   */
  long[] counts();

  /**
   * @return mean reward per arm (0 for an arm never played)
   */
  double[] means();

  /**
   * @return a copy of what was learned
   */
  BanditState state();

  /**
   * The same bandit over a changed set of arms: arm {@code k} of the result is arm {@code keep[k]}
   * of this one (its statistics move with it), and {@code added} fresh arms follow, never played
   * (UCB1 plays them first, Thompson sampling draws them from the wide prior, LinUCB starts them
   * with an identity design matrix: all three explore them).
   *
   * @param keep the arms kept, in their new order (distinct)
   * @param added arms appended, &gt;= 0
   * @return the new bandit (this one is left as it was)
   * @throws IllegalArgumentException if no arm would remain or an index is out of range
   */
  Bandit reshaped(int[] keep, int added);

  /**
   * UCB1 (Auer et al., 2002): {@code mean + c·√(2 ln N / n)}; an arm never played scores highest.
   *
   * @param arms number of arms, &gt;= 1
   * @param c exploration weight, &gt;= 0 (1 is the classic bound for rewards in [0, 1])
   * @return the bandit
   */
  static Bandit ucb1(int arms, double c) {
    return new StatsBandit("ucb1", arms, c, 0L);
  }

  /**
   * Gaussian Thompson sampling: every score is a draw from {@code N(mean, scale²/(n+1))}, so an arm
   * is played with the probability that it is the best; works for any reward range.
   *
   * @param arms number of arms, &gt;= 1
   * @param scale prior standard deviation of a mean reward, &gt; 0
   * @param seed random seed (the same seed and history give the same draws)
   * @return the bandit
   */
  static Bandit thompson(int arms, double scale, long seed) {
    return new StatsBandit("thompson", arms, scale, seed);
  }

  /**
   * Disjoint LinUCB (Li et al., 2010): per arm a ridge regression of the reward on the context,
   * scored {@code θ·x + α·√(xᵀA⁻¹x)}. Memory is arms·d² doubles, so keep contexts small (≤ 512).
   *
   * @param arms number of arms, &gt;= 1
   * @param dim context dimension, &gt;= 1
   * @param alpha exploration weight, &gt;= 0
   * @return the bandit
   */
  static Bandit linUcb(int arms, int dim, double alpha) {
    return new LinUcbBandit(arms, dim, alpha);
  }

  /**
   * @param s a saved state
   * @return the bandit it describes
   * @throws IllegalArgumentException if the kind is unknown or the state inconsistent
   */
  static Bandit restore(BanditState s) {
    return switch (s.kind()) {
      case "ucb1", "thompson" -> StatsBandit.restore(s);
      case "linucb" -> LinUcbBandit.restore(s);
      default -> throw new IllegalArgumentException("unknown bandit kind '" + s.kind() + "'");
    };
  }
}
