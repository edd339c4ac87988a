package io.himoe.learning.fit;

/**
 * How a gate is fitted from examples.
 *
 * @param hidden hidden units; 0 for a linear gate
 * @param epochs passes over the training set, &gt;= 1
 * @param learningRate Adam step size, &gt; 0
 * @param l2 decoupled weight decay per step, &gt;= 0
 * @param batchSize examples per update, &gt;= 1
 * @param seed seed of the initial weights and of the shuffling: the same seed and data give the
 *     same gate
 */
public record FitOptions(
    int hidden, int epochs, double learningRate, double l2, int batchSize, long seed) {

  /** Validates. */
  public FitOptions {
    if (hidden < 0) {
      throw new IllegalArgumentException("fit hidden size must be >= 0, got " + hidden);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("fit epochs must be >= 1, got " + epochs);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "fit learning rate must be > 0 and finite, got " + learningRate);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("fit l2 must be >= 0 and finite, got " + l2);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("fit batch size must be >= 1, got " + batchSize);
    }
  }

  /**
   * @return a linear gate, 12 epochs, learning rate 0.01, l2 1e-5, batches of 32, seed 42
   */
  public static FitOptions ofDefaults() {
    return new FitOptions(0, 12, 0.01, 1e-5, 32, 42L);
  }

  /**
   * @param h hidden units (0 = linear)
   * @return a copy
   */
  public FitOptions withHidden(int h) {
    return new FitOptions(h, epochs, learningRate, l2, batchSize, seed);
  }

  /**
   * @param e epochs
   * @return a copy
   */
  public FitOptions withEpochs(int e) {
    return new FitOptions(hidden, e, learningRate, l2, batchSize, seed);
  }

  /**
   * @param lr learning rate
   * @return a copy
   */
  public FitOptions withLearningRate(double lr) {
    return new FitOptions(hidden, epochs, lr, l2, batchSize, seed);
  }

  /**
   * @param decay weight decay
   * @return a copy
   */
  public FitOptions withL2(double decay) {
    return new FitOptions(hidden, epochs, learningRate, decay, batchSize, seed);
  }

  /**
   * @param b batch size
   * @return a copy
   */
  public FitOptions withBatchSize(int b) {
    return new FitOptions(hidden, epochs, learningRate, l2, b, seed);
  }

  /**
   * @param s seed
   * @return a copy
   */
  public FitOptions withSeed(long s) {
    return new FitOptions(hidden, epochs, learningRate, l2, batchSize, s);
  }
}
