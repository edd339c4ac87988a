package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Answer;
import io.himoe.server.config.ConfigLoader;
import io.himoe.shared.InputData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Budgets hold from the first request on a fresh server: configured prices are the first estimate.
 */
class BudgetWiringTest {

  @Test
  void aFreshServerWithBudgetOneAndTwoExpertsOfPointSevenSpendsAtMostOne() {
    String yaml =
        """
        budgets: {deadline_ms: 2000, cost: 1.0}
        experts:
          - name: a
            kind: planner
            cost_per_call: 0.7
          - name: b
            kind: planner
            cost_per_call: 0.7
        routers:
          - id: main
            top_k: 2
        """;
    try (Assembly asm = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"))) {
      Answer answer = asm.engine().ask(InputData.text("plan: a; b"), asm.newContext(null, null));
      assertThat(answer.trace().costUnits()).isLessThanOrEqualTo(1.0).isEqualTo(0.7);
    }
  }
}
