package io.himoe.learning.bandit;

import java.util.Optional;
import java.util.SplittableRandom;

/** UCB1 and Gaussian Thompson sampling: both only need per-arm counts and sums. */
final class StatsBandit implements Bandit {

  /** Score of an arm never played under UCB1: finite (gate scores must be) and above any mean. */
  private static final double UNPLAYED = 1e6;

  private final String kind;
  private final double param;
  private final long seed;
  private final RewardStats stats;
  private SplittableRandom rnd;

  StatsBandit(String kind, int arms, double param, long seed) {
    if (arms < 1) {
      throw new IllegalArgumentException("bandit arms must be >= 1, got " + arms);
    }
    boolean thompson = kind.equals("thompson");
    if (!Double.isFinite(param) || param < 0 || (thompson && param == 0)) {
      throw new IllegalArgumentException(
          (thompson ? "thompson scale must be > 0" : "ucb1 c must be >= 0") + ", got " + param);
    }
    this.kind = kind;
    this.param = param;
    this.seed = seed;
    this.stats = new RewardStats(arms);
    this.rnd = new SplittableRandom(seed);
  }

  static StatsBandit restore(BanditState s) {
    StatsBandit b = new StatsBandit(s.kind(), s.arms(), s.param(), s.seed());
    b.stats.restore(s);
    long plays = b.stats.plays();
    // Draws continue from a stream derived from the seed and the history, not from the start.
    b.rnd = new SplittableRandom(s.seed() ^ (plays * 0x9E3779B97F4A7C15L));
    return b;
  }

  @Override
  public int arms() {
    return stats.arms();
  }

  @Override
  public synchronized double[] scores(Optional<float[]> context) {
    long[] counts = stats.counts;
    double[] out = new double[counts.length];
    long total = stats.plays();
    for (int i = 0; i < out.length; i++) {
      double mean = stats.mean(i);
      if (kind.equals("ucb1")) {
        out[i] =
            counts[i] == 0
                ? UNPLAYED
                : mean + param * Math.sqrt(2 * Math.log(Math.max(1, total)) / counts[i]);
      } else {
        out[i] = mean + param / Math.sqrt(counts[i] + 1.0) * gaussian();
      }
    }
    return out;
  }

  private double gaussian() {
    // Box-Muller keeps the draws identical across JDK versions for a given seed.
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public synchronized void update(int arm, Optional<float[]> context, double reward) {
    stats.check(arm, reward);
    stats.record(arm, reward);
  }

  @Override
  public synchronized long[] counts() {
    return stats.counts.clone();
  }

  @Override
  public synchronized double[] means() {
    return stats.means();
  }

  @Override
  public synchronized BanditState state() {
    return new BanditState(
        kind,
        param,
        stats.arms(),
        0,
        stats.counts,
        stats.sums,
        stats.squares,
        new double[0][],
        new double[0][],
        seed);
  }

  @Override
  public synchronized Bandit reshaped(int[] keep, int added) {
    StatsBandit b = new StatsBandit(kind, Arms.count(keep, added, stats.arms()), param, seed);
    b.stats.keep(stats, keep);
    b.rnd = rnd.split();
    return b;
  }

  @Override
  public String toString() {
    return kind + "[arms=" + stats.arms() + "]";
  }
}
