package io.himoe.experts.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.llm.LlmClient;
import io.himoe.experts.llm.LlmExperts;
import io.himoe.experts.llm.LlmPolicy;
import io.himoe.experts.llm.ModelPrice;
import io.himoe.experts.llm.OpenAiEndpoint;
import io.himoe.experts.llm.OpenAiTestServer;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.shared.Value;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed 002 LLM experts, managed and routed by the real engine on their self-assessment. */
class EngineRoutingTest {

  private OpenAiTestServer coder;
  private OpenAiTestServer thinker;
  private OpenAiTestServer planner;

  @BeforeEach
  void start() throws Exception {
    coder =
        new OpenAiTestServer()
            .always(new OpenAiTestServer.Ok("def add(a, b): return a + b", 40, 12, "stop"));
    thinker =
        new OpenAiTestServer()
            .always(
                new OpenAiTestServer.Ok("Parce que la diffusion de Rayleigh...", 30, 20, "stop"));
    planner =
        new OpenAiTestServer()
            .always(new OpenAiTestServer.Ok("1. Cadrer\n2. Construire\n3. Livrer", 25, 9, "stop"));
  }

  @AfterEach
  void stop() {
    coder.close();
    thinker.close();
    planner.close();
  }

  private static List<LlmClient> model(String name, OpenAiTestServer s) {
    return List.of(
        LlmClient.openAi(
            OpenAiEndpoint.of(name, s.baseUrl(), name).withPrice(ModelPrice.of(1_000, 2_000)),
            LlmPolicy.ofDefaults(),
            k -> null,
            Clock.systemUTC()));
  }

  @Test
  void eachQuestionReachesTheExpertWhoseKeywordsItMatches() {
    ExpertRegistry registry = ExpertRegistry.create();
    ExpertManager manager = ExpertManager.create(registry);
    manager.register(LlmExperts.coding(model("qwen-coder", coder)));
    manager.register(LlmExperts.reasoning(model("qwq", thinker)));
    manager.register(LlmExperts.planning(model("planner", planner)));

    try (Engine engine =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(KeywordRouter.builder("main", registry).topK(1).build())
                    .build())
            // Routing is under test, not latency: the first call warms the HTTP stack up, which
            // took over the 2 s default on a loaded 2-core machine.
            .defaultBudget(java.time.Duration.ofSeconds(30))
            .build()) {
      Answer code = engine.ask("Write a function that adds two numbers and fix the error");
      Answer why = engine.ask("Pourquoi le ciel est-il bleu ? Explique le raisonnement.");
      Answer plan = engine.ask("Planifier les étapes du projet, étape par étape");

      assertThat(code.value()).isEqualTo(Value.text("def add(a, b): return a + b"));
      assertThat(why.value()).isEqualTo(Value.text("Parce que la diffusion de Rayleigh..."));
      assertThat(plan.value()).isInstanceOf(Value.Plan.class);
      assertThat(List.of(coder.requestCount(), thinker.requestCount(), planner.requestCount()))
          .containsExactly(1, 1, 1);
      // 40 input tokens at 1000/M + 12 output tokens at 2000/M
      assertThat(code.trace().costUnits())
          .isEqualTo(0.064, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(manager.health("coding").orElseThrow().calls()).isEqualTo(1);
      assertThat(manager.health("planning").orElseThrow().successRate()).isEqualTo(1.0);
    }
  }
}
