package io.himoe.branches.bench;

/** The three continual-learning scenarios of van de Ven and Tolias / Hsu et al. */
public enum Scenario {
  /** The task id is given at test time: outputs are restricted to the task's classes. */
  TASK,
  /** No task id; every task uses the same output labels (e.g. first/second digit of the pair). */
  DOMAIN,
  /** No task id; every class has its own output across all tasks. */
  CLASS
}
