package io.himoe.experts.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.llm.LlmClient;
import io.himoe.experts.llm.LlmExpert;
import io.himoe.experts.llm.LlmPolicy;
import io.himoe.experts.llm.OpenAiEndpoint;
import io.himoe.experts.llm.OpenAiTestServer;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FallbackChainTest {

  private static final LlmPolicy ONE_ATTEMPT =
      LlmPolicy.ofDefaults().withRetries(1, Duration.ofMillis(10));

  private OpenAiTestServer primary;
  private OpenAiTestServer backup;
  private final List<String> tokens = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    primary = new OpenAiTestServer();
    backup = new OpenAiTestServer();
  }

  @AfterEach
  void stop() {
    primary.close();
    backup.close();
  }

  private static LlmExpert llm(String name, OpenAiTestServer s) {
    LlmClient c =
        LlmClient.openAi(
            OpenAiEndpoint.of(name, s.baseUrl(), name), ONE_ATTEMPT, k -> null, Clock.systemUTC());
    return LlmExpert.builder(name).client(c).policy(ONE_ATTEMPT).build();
  }

  private FallbackChain chain() {
    return FallbackChain.of("assistant", List.of(llm("big", primary), llm("small", backup)));
  }

  @Test
  void theFirstExpertAnswersWhenItCan() throws Exception {
    primary.always(new OpenAiTestServer.Ok("from big", 1, 1, "stop"));

    ExpertOut out = chain().infer(InputData.text("hi"), Context.of(Duration.ofSeconds(5)));

    assertThat(out.value()).isEqualTo(Value.text("from big"));
    assertThat(backup.requestCount()).isZero();
  }

  @Test
  void theNextExpertAnswersWhenTheFirstFails() throws Exception {
    primary.always(new OpenAiTestServer.Status(500, "down"));
    backup.always(new OpenAiTestServer.Ok("from small", 1, 1, "stop"));

    ExpertOut out = chain().infer(InputData.text("hi"), Context.of(Duration.ofSeconds(5)));

    assertThat(out.value()).isEqualTo(Value.text("from small"));
    assertThat(primary.requestCount()).isEqualTo(1);
  }

  @Test
  void whenEveryExpertFailsTheErrorListsEachFailure() {
    primary.always(new OpenAiTestServer.Status(500, "down"));
    backup.always(new OpenAiTestServer.Status(401, "bad key"));

    assertThatThrownBy(() -> chain().infer(InputData.text("hi"), Context.of(Duration.ofSeconds(5))))
        .isInstanceOf(MoeError.ExpertFailed.class)
        .hasMessageContaining("every expert in the chain failed")
        .hasMessageContaining("big: llm endpoint big: server_error: HTTP 500")
        .hasMessageContaining("small: llm endpoint small: authentication: HTTP 401");
  }

  @Test
  void aCancelledRequestDoesNotFallBack() {
    CancelToken token = CancelToken.create();
    token.cancel();
    Context c = Context.builder().budget(Duration.ofSeconds(5)).cancel(token).build();

    assertThatThrownBy(() -> chain().infer(InputData.text("hi"), c))
        .isInstanceOf(MoeError.Cancelled.class);
    assertThat(primary.requestCount() + backup.requestCount()).isZero();
  }

  @Test
  void streamingFallsBackBeforeTheFirstToken() throws Exception {
    primary.always(new OpenAiTestServer.Status(503, "busy"));
    backup.always(new OpenAiTestServer.Ok("small answer", 1, 2, "stop"));

    ExpertOut out =
        chain().stream(InputData.text("hi"), Context.of(Duration.ofSeconds(5)), tokens::add);

    assertThat(tokens).containsExactly("small ", "answer");
    assertThat(out.value()).isEqualTo(Value.text("small answer"));
  }

  @Test
  void streamingCannotFallBackAfterTheFirstToken() {
    primary.always(new OpenAiTestServer.BrokenStream(List.of("half ")));
    backup.always(new OpenAiTestServer.Ok("unused", 1, 1, "stop"));

    assertThatThrownBy(
            () ->
                chain().stream(
                    InputData.text("hi"), Context.of(Duration.ofSeconds(5)), tokens::add))
        .isInstanceOf(MoeError.ExpertFailed.class)
        .hasMessageContaining(
            "big failed after streaming 1 tokens; no fallback once output has started");
    assertThat(tokens).containsExactly("half ");
    assertThat(backup.requestCount()).isZero();
  }

  @Test
  void aNonStreamingExpertStreamsItsWholeAnswerAsOneToken() throws Exception {
    primary.always(new OpenAiTestServer.Status(500, "down"));
    Expert echo =
        new Expert() {
          @Override
          public String name() {
            return "echo";
          }

          @Override
          public ExpertOut infer(InputData input, Context ctx) {
            return ExpertOut.of(Value.text("echo: " + input.toText()), 0, 0.5);
          }
        };
    FallbackChain c = FallbackChain.of("c", List.of(llm("big", primary), echo));

    c.stream(InputData.text("hi"), Context.of(Duration.ofSeconds(5)), tokens::add);

    assertThat(tokens).containsExactly("echo: hi");
    assertThat(c.canHandle("anything")).isZero();
  }

  @Test
  void aHangingFirstChoiceLeavesTheFallbackItsShareOfTheDeadline() throws Exception {
    primary.always(new OpenAiTestServer.Hang());
    backup.always(new OpenAiTestServer.Ok("from small", 1, 1, "stop"));
    FallbackChain c =
        FallbackChain.of(
            "assistant",
            List.of(llm("big", primary), llm("small", backup)),
            e -> java.util.Optional.of(Duration.ofMillis(200)));

    long t0 = System.nanoTime();
    ExpertOut out = c.infer(InputData.text("hi"), Context.of(Duration.ofMillis(1000)));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertThat(out.value()).isEqualTo(Value.text("from small"));
    // The first choice was stopped 200 ms before the deadline, leaving the fallback its share.
    assertThat(ms).isBetween(700L, 999L);
    assertThat(primary.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void withoutKnownLatenciesTheFirstChoiceGetsHalfTheTimeLeft() throws Exception {
    primary.always(new OpenAiTestServer.Hang());
    backup.always(new OpenAiTestServer.Ok("from small", 1, 1, "stop"));

    long t0 = System.nanoTime();
    ExpertOut out = chain().infer(InputData.text("hi"), Context.of(Duration.ofMillis(800)));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertThat(out.value()).isEqualTo(Value.text("from small"));
    assertThat(ms).isBetween(350L, 799L);
  }
}
