package io.himoe.tune;

/**
 * How an encoder is fine-tuned.
 *
 * @param epochs passes over the training rows, &gt;= 1
 * @param batchSize texts per step, &gt;= 1
 * @param learningRate AdamW peak step size of the encoder, &gt; 0 (e.g. 3e-5)
 * @param headLearningRate AdamW step size of the classification head, &gt; 0 (e.g. 3e-3)
 * @param weightDecay decoupled weight decay of the encoder's matrices, &gt;= 0
 * @param warmup share of the steps over which the rate rises linearly from 0, in [0, 1); it then
 *     falls linearly to 0 at the last step
 * @param maxSteps stop after this many steps, &gt;= 1 (for a quick run; {@link Integer#MAX_VALUE}
 *     for all)
 * @param trainWordEmbeddings whether the token table (30k x hidden) trains too
 * @param topLayers how many of the last transformer layers train, &gt;= 1 (all of them, and the
 *     embeddings, when at least the model's layer count)
 * @param seed seed of the head's initial weights and of the shuffling
 */
public record TuneOptions(
    int epochs,
    int batchSize,
    double learningRate,
    double headLearningRate,
    double weightDecay,
    double warmup,
    int maxSteps,
    boolean trainWordEmbeddings,
    int topLayers,
    long seed) {

  /** Validates. */
  public TuneOptions {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0) || !(headLearningRate > 0)) {
      throw new IllegalArgumentException(
          "learning rates must be > 0, got " + learningRate + " and " + headLearningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
    }
    if (!(warmup >= 0 && warmup < 1)) {
      throw new IllegalArgumentException("--warmup must be in [0, 1), got " + warmup);
    }
    if (topLayers < 1) {
      throw new IllegalArgumentException("--train-layers must be >= 1, got " + topLayers);
    }
    if (maxSteps < 1) {
      throw new IllegalArgumentException("--max-steps must be >= 1, got " + maxSteps);
    }
  }
}
