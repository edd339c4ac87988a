package io.himoe.eval.outcomes;

import java.util.Arrays;
import java.util.Locale;

/** How {@code eval outcomes} learns which model to send a query to. */
public enum Learner {
  /**
   * A per-model quality predictor ({@code OutcomeFitter}) trained on every model's score of every
   * training query (full feedback), then {@link io.himoe.learning.costquality.ModelChoice}.
   */
  GATE,
  /**
   * Disjoint LinUCB on the encoded query, trained online over the training stream in file order
   * with bandit feedback: only the chosen model's reward ({@code quality − W · dollars per 1k}) is
   * revealed. Needs an encoder of at most 512 dimensions (e.g. {@code minilm}).
   */
  LINUCB,
  /** UCB1, context-free, trained online like {@link #LINUCB}: learns the best single model. */
  UCB1,
  /** Gaussian Thompson sampling, context-free, trained online like {@link #LINUCB}. */
  THOMPSON;

  /**
   * @param name a learner name, any case
   * @return the learner
   * @throws IllegalArgumentException naming the allowed values
   */
  public static Learner parse(String name) {
    for (Learner l : values()) {
      if (l.name().equalsIgnoreCase(name.strip())) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "--learner: unknown kind '"
            + name
            + "', expected one of "
            + Arrays.stream(values()).map(l -> l.name().toLowerCase(Locale.ROOT)).toList());
  }
}
