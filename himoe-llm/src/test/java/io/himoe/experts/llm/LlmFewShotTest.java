package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.himoe.experts.ExpertFeedback;
import io.himoe.experts.llm.OpenAiTestServer.Ok;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An LLM expert keeps well-rated exchanges as few-shot examples: what a real OpenAI-compatible
 * upstream receives after feedback.
 */
class LlmFewShotTest {

  private OpenAiTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new OpenAiTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmExpert expert(int examples) {
    LlmClient c =
        LlmClient.openAi(
            OpenAiEndpoint.of("a", server.baseUrl(), "model-a"),
            LlmPolicy.ofDefaults(),
            Map.<String, String>of()::get,
            Clock.systemUTC());
    return LlmExpert.builder("writer")
        .client(c)
        .systemPrompt("You are terse.")
        .fewShot(examples, 0.8)
        .build();
  }

  private static Context ctx(String traceId) {
    return Context.builder().budget(Duration.ofSeconds(5)).traceId(traceId).build();
  }

  private static ExpertFeedback rated(String traceId, double reward) {
    return new ExpertFeedback(
        traceId,
        "main",
        InputData.text("?"),
        1.0,
        OptionalDouble.of(reward),
        Optional.empty(),
        Optional.empty());
  }

  /** The (role, content) pairs of the i-th request the upstream received. */
  private List<String> turns(int i) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : server.requests().get(i).path("messages")) {
      out.add(m.path("role").asText() + ": " + m.path("content").asText());
    }
    return out;
  }

  @Test
  void aWellRatedExchangeIsSentAsAnExampleAndABadlyRatedOneIsNot() throws Exception {
    LlmExpert e = expert(2);
    assertThat(e.asLearning()).contains(e);
    server.then(
        new Ok("Paris.", 10, 2, "stop"),
        new Ok("Blue, I think.", 10, 3, "stop"),
        new Ok("Rome.", 10, 2, "stop"));
    e.infer(InputData.text("capital of France?"), ctx("t1"));
    e.learn(rated("t1", 1.0));
    e.infer(InputData.text("colour of the sea at night?"), ctx("t2"));
    e.learn(rated("t2", 0.2));
    e.infer(InputData.text("capital of Italy?"), ctx("t3"));

    assertThat(turns(0)).containsExactly("system: You are terse.", "user: capital of France?");
    // The rated answer comes back as an example between the system prompt and the question.
    assertThat(turns(2))
        .containsExactly(
            "system: You are terse.",
            "user: capital of France?",
            "assistant: Paris.",
            "user: capital of Italy?");
    assertThat(e.fewShotExamples()).hasSize(2);
  }

  @Test
  void atMostTheConfiguredNumberAreKeptTheOldestDroppedFirst() throws Exception {
    LlmExpert e = expert(2);
    server.always(new Ok("ok", 5, 1, "stop"));
    for (int i = 0; i < 3; i++) {
      e.infer(InputData.text("question " + i), ctx("t" + i));
      e.learn(rated("t" + i, 0.9));
    }
    assertThat(e.fewShotExamples().stream().map(m -> m.text()).toList())
        .containsExactly("question 1", "ok", "question 2", "ok");
    // A later bad rating of the same question removes its example.
    e.infer(InputData.text("question 2"), ctx("again"));
    e.learn(rated("again", 0.0));
    assertThat(e.fewShotExamples().stream().map(m -> m.text()).toList())
        .containsExactly("question 1", "ok");
  }

  @Test
  void offByDefaultFeedbackTeachesNothing() throws Exception {
    LlmExpert e = expert(0);
    assertThat(e.asLearning()).isEmpty();
    server.always(new Ok("ok", 5, 1, "stop"));
    e.infer(InputData.text("q"), ctx("t"));
    e.learn(rated("t", 1.0));
    e.infer(InputData.text("q2"), ctx("t2"));
    assertThat(turns(1)).containsExactly("system: You are terse.", "user: q2");
    assertThatThrownBy(() -> LlmExpert.builder("x").fewShot(65, 0.8))
        .hasMessageContaining("[0, 64]");
  }
}
