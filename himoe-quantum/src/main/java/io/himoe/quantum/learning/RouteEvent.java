package io.himoe.quantum.learning;

/** What a {@link RouteLearner} did when a task arrived, with its reason. */
public sealed interface RouteEvent {

  /**
   * @return the task
   */
  int task();

  /**
   * A new route appeared in the task's labels: the gate got a branch for it.
   *
   * @param task the task
   * @param branch the new branch
   * @param gate the gate after growing (kind, size)
   */
  record BranchAdded(int task, int branch, String gate) implements RouteEvent {}

  /**
   * The task's update does not work against the remembered routes: the current parameters train.
   *
   * @param task the task
   * @param cosine cosine between the task's gradient and the memory's (NaN for the first task)
   * @param reason why
   */
  record FineTuned(int task, double cosine, String reason) implements RouteEvent {}

  /**
   * The task's update would undo remembered routes (or nothing can tell): what was learnt is frozen
   * and new parameters, starting as the identity, learn the task.
   *
   * @param task the task
   * @param cosine cosine between the task's gradient and the memory's (NaN when untested)
   * @param reason why
   */
  record Extended(int task, double cosine, String reason) implements RouteEvent {}
}
