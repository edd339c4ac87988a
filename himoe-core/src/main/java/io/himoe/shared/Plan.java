package io.himoe.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A symbolic plan: a goal and ordered steps.
 *
 * @param goal what the plan achieves
 * @param steps the ordered steps (copied, unmodifiable)
 */
public record Plan(String goal, List<PlanStep> steps) implements ToValue {
  /** Validates and copies. */
  public Plan {
    Objects.requireNonNull(goal, "goal");
    steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
  }

  /**
   * @param index the step to mark done (0-based)
   * @return a copy of this plan with that step done
   */
  public Plan markDone(int index) {
    Objects.checkIndex(index, steps.size());
    List<PlanStep> copy = new ArrayList<>(steps);
    copy.set(index, copy.get(index).markDone());
    return new Plan(goal, copy);
  }

  /**
   * @return whether every step is done
   */
  public boolean isComplete() {
    return steps.stream().allMatch(PlanStep::done);
  }

  @Override
  public Value toValue() {
    return Value.plan(this);
  }
}
