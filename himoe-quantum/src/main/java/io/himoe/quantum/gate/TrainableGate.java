package io.himoe.quantum.gate;

import io.himoe.quantum.sim.StateVector;
import java.util.random.RandomGenerator;

/**
 * A gate over a growing set of branches (0 to {@link #branches()} - 1) that a continual learner
 * trains by gradient steps on {@code -log p(branch | x)}.
 */
public interface TrainableGate {

  /**
   * @return live branches
   */
  int branches();

  /**
   * Adds a branch; the distribution over the old branches is unchanged at that moment.
   *
   * @return the new branch's index
   */
  int addBranch();

  /**
   * @param x the input
   * @return the probability of each live branch (noise-free, summing to 1)
   */
  double[] distribution(float[] x);

  /**
   * @param x the input
   * @param branch the branch the loss favours
   * @param weight the example's weight
   * @param gradient accumulator, {@link #parameterCount()} long: {@code weight · ∂(-log p)/∂θ} is
   *     added
   * @return the example's loss {@code -log p(branch | x)}
   */
  double accumulateGradient(float[] x, int branch, double weight, double[] gradient);

  /**
   * @return a copy of all parameters
   */
  double[] parameters();

  /**
   * @param values all parameters, laid out as {@link #parameters()}
   */
  void setParameters(double[] values);

  /**
   * @return per parameter, whether training may change it
   */
  boolean[] trainable();

  /**
   * @return all parameters
   */
  int parameterCount();

  /**
   * @return whether {@link #extend()} is supported
   */
  default boolean canExtend() {
    return false;
  }

  /**
   * Freezes what has been learnt and adds new parameters that start as the identity, so later
   * training changes only the new ones (the seed's "add rotations, erase nothing").
   */
  default void extend() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot extend");
  }

  /**
   * Chooses a branch. The default samples measurements from {@link #distribution}; gates with a
   * register of their own override it.
   *
   * @param x the input
   * @param selection expectation or measurement
   * @param random the measurement's randomness
   * @return the decision
   */
  default Route route(float[] x, Selection selection, RandomGenerator random) {
    double[] p = distribution(x);
    return switch (selection) {
      case Selection.Expectation e -> new Route(argmax(p), 0, 0);
      case Selection.Measurement m ->
          new Route(argmax(StateVector.sample(p, m.shots(), random)), m.shots(), 0);
    };
  }

  /**
   * @return a one-line description (kind, size)
   */
  String describe();

  /**
   * @param v values
   * @return the index of the largest (the first on ties)
   */
  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * @param v counts
   * @return the index of the largest (the first on ties)
   */
  static int argmax(int[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
