package io.himoe.learning.shadow;

import io.himoe.learning.stats.AlwaysValidPValue;
import io.himoe.learning.stats.ConfidenceInterval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Win records of shadow routers against primaries, one per (primary, shadow) pair: counts, the
 * shadow's win rate over decisive comparisons with its Wilson interval, and a one-sided
 * always-valid p-value of "it wins at most as often as it loses" ({@link
 * AlwaysValidPValue#winsOverHalfLogRatio}) so that a promotion rule can look after every comparison
 * without inflating false promotions. Thread-safe.
 */
public final class ShadowLedger {

  private static final class Pair {
    long wins;
    long losses;
    long ties;
    final AlwaysValidPValue p = new AlwaysValidPValue();
  }

  private final Map<String, Pair> pairs = new LinkedHashMap<>();

  private static String key(String primary, String shadow) {
    return primary + "\u0000" + shadow;
  }

  /**
   * @param c a comparison
   * @return the pair's record after it
   */
  public synchronized PairRecord record(ShadowComparison c) {
    Pair p = pairs.computeIfAbsent(key(c.primary(), c.shadow()), k -> new Pair());
    switch (c.outcome()) {
      case SHADOW_BETTER -> p.wins++;
      case PRIMARY_BETTER -> p.losses++;
      case TIE -> p.ties++;
    }
    p.p.observe(AlwaysValidPValue.winsOverHalfLogRatio(p.wins, p.losses));
    return view(c.primary(), c.shadow(), p);
  }

  /**
   * @param primary a primary router
   * @param shadow a shadow router
   * @return their record, if any comparison was scored
   */
  public synchronized Optional<PairRecord> get(String primary, String shadow) {
    Pair p = pairs.get(key(primary, shadow));
    return p == null ? Optional.empty() : Optional.of(view(primary, shadow, p));
  }

  /**
   * @return every pair's record, in the order they were first compared
   */
  public synchronized List<PairRecord> records() {
    List<PairRecord> out = new ArrayList<>(pairs.size());
    for (Map.Entry<String, Pair> e : pairs.entrySet()) {
      String[] ids = e.getKey().split("\u0000", 2);
      out.add(view(ids[0], ids[1], e.getValue()));
    }
    return out;
  }

  /**
   * Forgets a pair (after a promotion swapped the roles, the evidence starts again).
   *
   * @param primary a primary router
   * @param shadow a shadow router
   */
  public synchronized void reset(String primary, String shadow) {
    pairs.remove(key(primary, shadow));
  }

  private static PairRecord view(String primary, String shadow, Pair p) {
    long decisive = p.wins + p.losses;
    return new PairRecord(
        primary,
        shadow,
        decisive + p.ties,
        p.wins,
        p.losses,
        p.ties,
        decisive == 0 ? 0.5 : (double) p.wins / decisive,
        ConfidenceInterval.wilson(p.wins, decisive, ConfidenceInterval.Z95),
        p.p.value());
  }
}
