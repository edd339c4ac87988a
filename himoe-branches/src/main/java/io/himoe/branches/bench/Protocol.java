package io.himoe.branches.bench;

import java.util.List;

/**
 * A sequence of tasks in one scenario.
 *
 * @param name protocol name ({@code split-mnist}, {@code permuted-mnist}, {@code clinc-domains},
 *     {@code synthetic})
 * @param scenario the scenario
 * @param inputs input features
 * @param outputs output classes of the network
 * @param tasks the tasks, in training order
 */
public record Protocol(
    String name, Scenario scenario, int inputs, int outputs, List<ClTask> tasks) {
  /** Copies. */
  public Protocol {
    tasks = List.copyOf(tasks);
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("protocol " + name + " has no task");
    }
  }

  /**
   * @param n tasks to keep, 1 to {@code tasks().size()}
   * @return this protocol with its first {@code n} tasks only (the rest are never learnt)
   */
  public Protocol first(int n) {
    if (n < 1 || n > tasks.size()) {
      throw new IllegalArgumentException(
          "--tasks: " + n + ", protocol " + name + " has 1.." + tasks.size() + " tasks");
    }
    return new Protocol(name, scenario, inputs, outputs, tasks.subList(0, n));
  }
}
