package io.himoe.branches.memory;

import java.util.Arrays;
import java.util.Objects;

/**
 * One remembered example: the input's embedding (the features the gate sees), the output, how good
 * it was, and which branch produced it.
 *
 * @param embedding the input embedding, copied on the way in
 * @param label the output (class index, or the known-correct label when trained on it)
 * @param score quality in [0, 1] (confidence or correctness)
 * @param branch the branch used
 * @param task the task (or context tag) the example came from
 */
public record Episode(float[] embedding, int label, double score, int branch, String task) {

  /** Validates and copies. */
  public Episode {
    Objects.requireNonNull(embedding, "embedding");
    Objects.requireNonNull(task, "task");
    if (embedding.length == 0) {
      throw new IllegalArgumentException("episode embedding is empty");
    }
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("episode score must be in [0, 1], got " + score);
    }
    embedding = embedding.clone();
  }

  /**
   * @return a copy of the embedding
   */
  @Override
  public float[] embedding() {
    return embedding.clone();
  }

  float[] raw() {
    return embedding;
  }

  /**
   * @param newBranch the branch that now owns this example
   * @return a copy assigned to it
   */
  public Episode withBranch(int newBranch) {
    return new Episode(embedding, label, score, newBranch, task);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Episode e
        && Arrays.equals(embedding, e.embedding)
        && label == e.label
        && score == e.score
        && branch == e.branch
        && task.equals(e.task);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(embedding), label, score, branch, task);
  }

  @Override
  public String toString() {
    return "Episode[dim="
        + embedding.length
        + ", label="
        + label
        + ", branch="
        + branch
        + ", task="
        + task
        + "]";
  }
}
