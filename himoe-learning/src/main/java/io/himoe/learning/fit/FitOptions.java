package io.himoe.learning.fit;

/**
 * How a gate is fitted from examples.
 *
 * @param hidden hidden units; 0 for a linear gate
 * @param epochs passes over the training set, &gt;= 1
 * @param learningRate Adam step size, &gt; 0
 * @param l2 decoupled weight decay per step, &gt;= 0
 * @param batchSize examples per update, &gt;= 1
 * @param seed seed of the initial weights, the shuffling and the dropout masks: the same seed and
 *     data give the same gate
 * @param dropout probability of dropping each hidden unit during training, in [0, 1) (ignored by a
 *     linear gate)
 * @param labelSmoothing share ε of each in-scope target spread over all routes, in [0, 1)
 * @param temperature whether {@link RouteFitter} fits a softmax temperature on the validation rows
 *     (by likelihood, before the rejection threshold) and folds it into the output layer
 */
public record FitOptions(
    int hidden,
    int epochs,
    double learningRate,
    double l2,
    int batchSize,
    long seed,
    double dropout,
    double labelSmoothing,
    boolean temperature) {

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
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("fit dropout must be in [0, 1), got " + dropout);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new IllegalArgumentException(
          "fit label smoothing must be in [0, 1), got " + labelSmoothing);
    }
  }

  /**
   * @return a linear gate, 12 epochs, learning rate 0.01, l2 1e-5, batches of 32, seed 42, no
   *     dropout, no label smoothing, no temperature
   */
  public static FitOptions ofDefaults() {
    return new FitOptions(0, 12, 0.01, 1e-5, 32, 42L, 0, 0, false);
  }

  /**
   * @param h hidden units (0 = linear)
   * @return a copy
   */
  public FitOptions withHidden(int h) {
    return new FitOptions(
        h, epochs, learningRate, l2, batchSize, seed, dropout, labelSmoothing, temperature);
  }

  /**
   * @param e epochs
   * @return a copy
   */
  public FitOptions withEpochs(int e) {
    return new FitOptions(
        hidden, e, learningRate, l2, batchSize, seed, dropout, labelSmoothing, temperature);
  }

  /**
   * @param lr learning rate
   * @return a copy
   */
  public FitOptions withLearningRate(double lr) {
    return new FitOptions(
        hidden, epochs, lr, l2, batchSize, seed, dropout, labelSmoothing, temperature);
  }

  /**
   * @param decay weight decay
   * @return a copy
   */
  public FitOptions withL2(double decay) {
    return new FitOptions(
        hidden, epochs, learningRate, decay, batchSize, seed, dropout, labelSmoothing, temperature);
  }

  /**
   * @param b batch size
   * @return a copy
   */
  public FitOptions withBatchSize(int b) {
    return new FitOptions(
        hidden, epochs, learningRate, l2, b, seed, dropout, labelSmoothing, temperature);
  }

  /**
   * @param s seed
   * @return a copy
   */
  public FitOptions withSeed(long s) {
    return new FitOptions(
        hidden, epochs, learningRate, l2, batchSize, s, dropout, labelSmoothing, temperature);
  }

  /**
   * @param rate hidden-unit dropout in [0, 1)
   * @return a copy
   */
  public FitOptions withDropout(double rate) {
    return new FitOptions(
        hidden, epochs, learningRate, l2, batchSize, seed, rate, labelSmoothing, temperature);
  }

  /**
   * @param epsilon label smoothing in [0, 1)
   * @return a copy
   */
  public FitOptions withLabelSmoothing(double epsilon) {
    return new FitOptions(
        hidden, epochs, learningRate, l2, batchSize, seed, dropout, epsilon, temperature);
  }

  /**
   * @param fit whether to fit a softmax temperature on the validation rows
   * @return a copy
   */
  public FitOptions withTemperature(boolean fit) {
    return new FitOptions(
        hidden, epochs, learningRate, l2, batchSize, seed, dropout, labelSmoothing, fit);
  }
}
