package io.himoe.branches.bench;

import java.util.Locale;

/** A continual-learning method compared in the harness. */
public enum Method {
  /** Branched network: conflict-driven spawn or protected fine-tune, gate over branches. */
  BRANCHES,
  /** One network fine-tuned on each task in turn, unprotected. */
  NAIVE,
  /** One network, elastic weight consolidation. */
  EWC,
  /** One network, synaptic intelligence. */
  SI,
  /** One network, L2 anchoring to the previous task's weights. */
  L2,
  /** One network, a small experience-replay buffer mixed into every batch. */
  REPLAY,
  /** Joint training on every task so far (upper bound). */
  JOINT;

  /**
   * @param s a name such as {@code ewc}
   * @return the method
   * @throws IllegalArgumentException naming the valid choices
   */
  public static Method parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown method '" + s + "': use branches, naive, ewc, si, l2, replay or joint", e);
    }
  }
}
