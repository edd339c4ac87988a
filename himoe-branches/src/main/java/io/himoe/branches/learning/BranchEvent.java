package io.himoe.branches.learning;

/** What the continual learner did to its bank of branches, and why. */
public sealed interface BranchEvent {

  /**
   * @return the reason, in words, with the numbers that decided
   */
  String reason();

  /**
   * A task was learned by fine-tuning an existing branch.
   *
   * @param task the task
   * @param branch the branch fine-tuned
   * @param similarity gradient similarity that allowed it (NaN for the first task)
   * @param reason why
   */
  record FineTuned(String task, int branch, double similarity, String reason)
      implements BranchEvent {}

  /**
   * A new branch was spawned for a task, leaving the others untouched.
   *
   * @param task the task
   * @param branch the new branch
   * @param parent the branch it was copied from
   * @param similarity the best gradient similarity over existing branches (below the threshold)
   * @param reason why
   */
  record Spawned(String task, int branch, int parent, double similarity, String reason)
      implements BranchEvent {}

  /**
   * Two close branches were merged: {@code removed} was distilled into {@code kept}.
   *
   * @param kept the surviving branch
   * @param removed the merged-away branch
   * @param distance mean total-variation distance between their outputs on the probe set
   * @param reason why
   */
  record Merged(int kept, int removed, double distance, String reason) implements BranchEvent {}

  /**
   * A branch rarely used and of low measured gain was garbage-collected.
   *
   * @param branch the removed branch
   * @param heir the branch its episodes were handed to
   * @param usageShare its share of predictions since it was spawned
   * @param gain its accuracy on its own episodes minus the heir's
   * @param reason why
   */
  record Collected(int branch, int heir, double usageShare, double gain, String reason)
      implements BranchEvent {}
}
