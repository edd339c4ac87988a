package io.himoe.learning.gate;

/** What a neural gate learns from for one request. */
public sealed interface GateSignal {

  /**
   * The right expert is known (labelled data, a shadow's better decision): cross-entropy.
   *
   * @param expert index of the right expert
   */
  record Target(int expert) implements GateSignal {}

  /**
   * Only a reward for the experts called is known: REINFORCE with a moving-average baseline.
   *
   * @param chosen indices of the experts called
   * @param reward the observed reward (typically in [0, 1])
   */
  record Reward(int[] chosen, double reward) implements GateSignal {
    /** Validates and copies. */
    public Reward {
      if (chosen.length == 0) {
        throw new IllegalArgumentException("reward signal: no chosen expert");
      }
      if (!Double.isFinite(reward)) {
        throw new IllegalArgumentException("reward signal: reward must be finite, got " + reward);
      }
      chosen = chosen.clone();
    }

    /**
     * @return a copy of the chosen indices
     */
    @Override
    public int[] chosen() {
      return chosen.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Reward r
          && r.reward == reward
          && java.util.Arrays.equals(r.chosen, chosen);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(chosen) * 31 + Double.hashCode(reward);
    }

    @Override
    public String toString() {
      return "Reward[" + java.util.Arrays.toString(chosen) + ", " + reward + "]";
    }
  }
}
