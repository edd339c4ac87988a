package io.himoe.experts.llm;

import io.himoe.shared.Plan;
import io.himoe.shared.PlanStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads a plan out of a model's answer: each line that starts with a number ({@code 1.}, {@code
 * 2)}) or a bullet ({@code -}, {@code *}, {@code •}) is a step; other lines are ignored. An answer
 * with fewer than two such lines is not a plan.
 */
final class PlanParser {

  private PlanParser() {}

  static Optional<Plan> parse(String goal, String answer) {
    List<PlanStep> steps = new ArrayList<>();
    for (String raw : answer.split("\\R")) {
      String step = stepText(raw.strip());
      if (step != null && !step.isBlank()) {
        steps.add(new PlanStep(step, false));
      }
    }
    return steps.size() < 2 ? Optional.empty() : Optional.of(new Plan(goal, steps));
  }

  private static @Nullable String stepText(String line) {
    if (line.isEmpty()) {
      return null;
    }
    char c = line.charAt(0);
    if (c == '-' || c == '*' || c == '•') {
      return line.substring(1);
    }
    int i = 0;
    while (i < line.length() && Character.isDigit(line.charAt(i))) {
      i++;
    }
    if (i > 0 && i < line.length() && (line.charAt(i) == '.' || line.charAt(i) == ')')) {
      return line.substring(i + 1);
    }
    return null;
  }
}
