package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.Generation;
import io.himoe.experts.llm.OpenAiTestServer.Malformed;
import io.himoe.experts.llm.OpenAiTestServer.Ok;
import io.himoe.shared.ContentPart;
import io.himoe.shared.Context;
import io.himoe.shared.GenerationParams;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.MoeError;
import io.himoe.shared.ResponseFormat;
import io.himoe.shared.ToolCall;
import io.himoe.shared.ToolChoice;
import io.himoe.shared.ToolSpec;
import io.himoe.shared.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Conversations, parameters, tools and budgets as a real OpenAI-compatible upstream sees them. */
class LlmConversationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenAiTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new OpenAiTestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmExpert.Builder expert() {
    LlmClient c =
        LlmClient.openAi(
            OpenAiEndpoint.of("a", server.baseUrl(), "model-a"),
            LlmPolicy.ofDefaults(),
            Map.<String, String>of()::get,
            Clock.systemUTC());
    return LlmExpert.builder("assistant").client(c).systemPrompt("You are terse.");
  }

  private static Context ctx() {
    return Context.builder().budget(Duration.ofSeconds(5)).traceId("t").build();
  }

  private static List<String> roles(JsonNode req) {
    return req.path("messages").findValuesAsText("role");
  }

  @Test
  void theWholeConversationGoesUpstreamInOrderAfterTheSystemPrompt() throws Exception {
    server.then(new Ok("126", 40, 1, "stop"));
    ToolCall call = new ToolCall("call_1", "calc", "{\"x\":42}");
    InputData c =
        InputData.conversation(
            List.of(
                Message.system("Answer with numbers."),
                Message.user("what is 6 * 7"),
                Message.assistantCalls(List.of(call)),
                Message.tool("call_1", "42"),
                Message.assistant("42"),
                Message.user("and times 3?")));

    ExpertOut out = expert().tools(true).build().infer(c, ctx());

    assertThat(out.value()).isEqualTo(Value.text("126"));
    JsonNode req = server.requests().getFirst();
    assertThat(roles(req))
        .containsExactly("system", "system", "user", "assistant", "tool", "assistant", "user");
    JsonNode m = req.path("messages");
    assertThat(m.get(0).path("content").asText()).isEqualTo("You are terse.");
    assertThat(m.get(1).path("content").asText()).isEqualTo("Answer with numbers.");
    assertThat(m.get(3).path("tool_calls").get(0).path("id").asText()).isEqualTo("call_1");
    assertThat(m.get(3).path("tool_calls").get(0).path("function").path("name").asText())
        .isEqualTo("calc");
    assertThat(m.get(4).path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(m.get(6).path("content").asText()).isEqualTo("and times 3?");
    Generation g = out.aux().generation().orElseThrow();
    assertThat(g.promptTokens()).isEqualTo(40);
    assertThat(g.usageReported()).isTrue();
    assertThat(g.droppedMessages()).isZero();
  }

  @Test
  void overTheContextBudgetTheOldestTurnsGoFirstNeverSystemOrTheLastUserTurn() throws Exception {
    server.then(new Ok("ok", 10, 1, "stop"));
    String long1 = "alpha ".repeat(200);
    String long2 = "beta ".repeat(200);
    InputData c =
        InputData.conversation(
            List.of(
                Message.system("Be kind."),
                Message.user(long1),
                Message.assistant(long2),
                Message.user("short question")));

    ExpertOut out = expert().contextTokens(300).build().infer(c, ctx());

    JsonNode req = server.requests().getFirst();
    assertThat(roles(req)).containsExactly("system", "system", "assistant", "user");
    assertThat(out.aux().generation().orElseThrow().droppedMessages()).isEqualTo(1);

    server.then(new Ok("ok", 10, 1, "stop"));
    expert().contextTokens(60).build().infer(c, ctx());
    assertThat(roles(server.requests().get(1))).containsExactly("system", "system", "user");

    assertThatThrownBy(
            () ->
                expert()
                    .contextTokens(20)
                    .build()
                    .infer(InputData.conversation(List.of(Message.user(long1))), ctx()))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("context budget of 20");
  }

  @Test
  void parametersAndResponseFormatArePassedUpstream() throws Exception {
    server.then(new Ok("{\"a\":1}", 5, 3, "length"));
    GenerationParams p =
        GenerationParams.builder()
            .temperature(0.3)
            .topP(0.9)
            .maxTokens(3)
            .stop(List.of("END"))
            .seed(7)
            .presencePenalty(0.5)
            .frequencyPenalty(-0.5)
            .user("u-1")
            .responseFormat(ResponseFormat.JSON_OBJECT)
            .build();
    InputData c = new InputData.Conversation(List.of(Message.user("json please")), p);

    ExpertOut out = expert().build().infer(c, ctx());

    JsonNode req = server.requests().getFirst();
    assertThat(req.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(req.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(req.path("max_tokens").asInt()).isEqualTo(3);
    assertThat(req.path("stop").get(0).asText()).isEqualTo("END");
    assertThat(req.path("seed").asInt()).isEqualTo(7);
    assertThat(req.path("presence_penalty").asDouble()).isEqualTo(0.5);
    assertThat(req.path("frequency_penalty").asDouble()).isEqualTo(-0.5);
    assertThat(req.path("user").asText()).isEqualTo("u-1");
    assertThat(req.path("response_format").path("type").asText()).isEqualTo("json_object");
    assertThat(out.aux().generation().orElseThrow().finishReason())
        .isEqualTo(Generation.FinishReason.LENGTH);
  }

  @Test
  void toolsGoUpstreamAndToolCallsComeBackAsAValue() throws Exception {
    server.then(
        new Malformed(
            "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"model-a\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"call_9\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}"));
    JsonNode schema =
        JSON.readTree(
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"]}");
    GenerationParams p =
        GenerationParams.builder()
            .tools(
                List.of(
                    new ToolSpec("weather", Optional.of("the weather"), Optional.of(schema), false),
                    new ToolSpec("time", Optional.empty(), Optional.empty(), false)))
            .toolChoice(new ToolChoice.Function("weather"))
            .build();
    InputData c = new InputData.Conversation(List.of(Message.user("weather in Paris?")), p);

    ExpertOut out = expert().tools(true).build().infer(c, ctx());

    JsonNode req = server.requests().getFirst();
    assertThat(req.path("tools")).hasSize(1);
    JsonNode fn = req.path("tools").get(0).path("function");
    assertThat(fn.path("name").asText()).isEqualTo("weather");
    assertThat(fn.path("parameters").path("properties").path("city").path("type").asText())
        .isEqualTo("string");
    assertThat(req.path("tool_choice").asText()).isEqualTo("required");
    assertThat(out.value())
        .isEqualTo(
            Value.toolCalls(
                "", List.of(new ToolCall("call_9", "weather", "{\"city\":\"Paris\"}"))));
    assertThat(out.aux().generation().orElseThrow().finishReason())
        .isEqualTo(Generation.FinishReason.TOOL_CALLS);

    assertThatThrownBy(() -> expert().build().infer(c, ctx()))
        .isInstanceOf(MoeError.InvalidInput.class)
        .hasMessageContaining("not configured to call tools");
  }

  @Test
  void imagesGoUpstreamAsDataUrls() throws Exception {
    server.then(new Ok("a cat", 5, 2, "stop"));
    Message m =
        new Message(
            Message.Role.USER,
            List.of(
                new ContentPart.Text("what is this?"),
                new ContentPart.Image(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "image/png")),
            Optional.empty(),
            Optional.empty(),
            List.of());

    expert().build().infer(InputData.conversation(List.of(m)), ctx());

    JsonNode parts = server.requests().getFirst().path("messages").get(1).path("content");
    assertThat(parts.get(0).path("text").asText()).isEqualTo("what is this?");
    assertThat(parts.get(1).path("image_url").path("url").asText())
        .isEqualTo("data:image/png;base64,iVBORw==");
  }
}
