package io.himoe.quantum.learning;

/**
 * How a {@link RouteLearner} trains.
 *
 * @param epochs passes over each task's examples
 * @param batch examples per step (plus as many replayed from memory)
 * @param learningRate Adam's step size
 * @param memoryPerTask examples remembered per task for replay and the conflict test (0 = none)
 * @param probe examples of a new task used for the conflict test's gradient
 * @param threshold cosine below which the task counts as conflicting (the seed: negative, so 0)
 * @param conflictTest whether gates that can extend are tested at all; off = always fine-tune
 */
public record LearnerOptions(
    int epochs,
    int batch,
    double learningRate,
    int memoryPerTask,
    int probe,
    double threshold,
    boolean conflictTest) {

  /** Validates. */
  public LearnerOptions {
    if (epochs < 1 || batch < 1 || probe < 1) {
      throw new IllegalArgumentException(
          "epochs " + epochs + ", batch " + batch + ", probe " + probe + ": need at least 1 each");
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate: " + learningRate + ", need > 0");
    }
    if (memoryPerTask < 0) {
      throw new IllegalArgumentException("memory per task: " + memoryPerTask + ", need >= 0");
    }
  }

  /**
   * @return 30 epochs, batch 16, Adam at 0.05, 100 remembered examples per task, probe of 32,
   *     threshold 0, conflict test on (the bench's defaults for the quantum gate)
   */
  public static LearnerOptions ofDefaults() {
    return new LearnerOptions(30, 16, 0.05, 100, 32, 0.0, true);
  }

  /**
   * @param e epochs
   * @param lr learning rate
   * @return a copy with those
   */
  public LearnerOptions withTraining(int e, double lr) {
    return new LearnerOptions(e, batch, lr, memoryPerTask, probe, threshold, conflictTest);
  }

  /**
   * @param perTask remembered examples per task
   * @return a copy with that
   */
  public LearnerOptions withMemory(int perTask) {
    return new LearnerOptions(epochs, batch, learningRate, perTask, probe, threshold, conflictTest);
  }

  /**
   * @param on whether to test for conflicts
   * @param t the cosine threshold
   * @return a copy with those
   */
  public LearnerOptions withConflictTest(boolean on, double t) {
    return new LearnerOptions(epochs, batch, learningRate, memoryPerTask, probe, t, on);
  }
}
