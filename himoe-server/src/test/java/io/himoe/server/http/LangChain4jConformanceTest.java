package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.himoe.server.LocalUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as LangChain4j's OpenAI client sees it (langchain4j-open-ai, the version himoe-llm
 * uses): {@code OpenAiChatModel} and {@code OpenAiStreamingChatModel} on 127.0.0.1, with an {@code
 * llm} expert in front of a slow local upstream. Multi-turn, live streaming (arrival time of each
 * partial response), token usage on streams, a tools round trip, JSON mode, and errors as
 * LangChain4j's typed exceptions.
 */
class LangChain4jConformanceTest {

  static final String KEY = "sk-test-conformance-1";

  @TempDir static Path dir;
  static LocalUpstream upstream;
  static Assembly assembly;
  static HimoeServer server;

  @BeforeAll
  static void start() throws Exception {
    upstream = new LocalUpstream();
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of("K", KEY))
                .parse(
                    """
                    budgets:
                      deadline_ms: 20000
                    server:
                      auth:
                        keys:
                          - key: ${K}
                            alias: conformance
                        protect: [chat]
                    experts:
                      - name: chat
                        kind: llm
                        endpoint: %s
                        models: [m1]
                        options:
                          tools: "true"
                    routers:
                      - id: main
                    """
                        .formatted(upstream.baseUrl()),
                    "test"));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .feedbackDb(dir.resolve("f.db"))
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
    assembly.close();
    upstream.close();
  }

  static OpenAiChatModel model(String key, String model) {
    return OpenAiChatModel.builder()
        .baseUrl(server.url() + "/v1")
        .apiKey(key)
        .modelName(model)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(20))
        .build();
  }

  static OpenAiStreamingChatModel streaming() {
    return OpenAiStreamingChatModel.builder()
        .baseUrl(server.url() + "/v1")
        .apiKey(KEY)
        .modelName("main")
        .timeout(Duration.ofSeconds(20))
        .build();
  }

  @Test
  void multiTurnReachesTheUpstreamInOrderWithItsUsage() {
    upstream.behave(new LocalUpstream.Tokens(List.of("126"), 0, 31));
    int before = upstream.requests().size();
    ChatResponse r =
        model(KEY, "main")
            .chat(
                ChatRequest.builder()
                    .messages(
                        SystemMessage.from("Answer with a number."),
                        UserMessage.from("what is 6 * 7"),
                        AiMessage.from("42"),
                        UserMessage.from("and times 3?"))
                    .temperature(0.2)
                    .maxOutputTokens(50)
                    .build());
    assertThat(r.aiMessage().text()).isEqualTo("126");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(31);
    assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(1);
    assertThat(r.modelName()).isEqualTo("main");
    JsonNode sent = upstream.requests().get(before);
    assertThat(sent.path("messages").findValuesAsText("role"))
        .containsExactly("system", "user", "assistant", "user");
    assertThat(sent.path("messages").findValuesAsText("content"))
        .containsExactly("Answer with a number.", "what is 6 * 7", "42", "and times 3?");
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(50);
  }

  @Test
  void streamingDeliversEachTokenAsItComesAndUsageAtTheEnd() throws Exception {
    upstream.behave(
        new LocalUpstream.Tokens(List.of("one ", "two ", "three ", "four ", "five"), 250, 12));
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    List<String> parts = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    long sent = System.nanoTime();
    streaming()
        .chat(
            ChatRequest.builder()
                .messages(
                    UserMessage.from("hi"), AiMessage.from("hello"), UserMessage.from("count"))
                .build(),
            new StreamingChatResponseHandler() {
              @Override
              public void onPartialResponse(String partial) {
                arrivals.add(System.nanoTime());
                parts.add(partial);
              }

              @Override
              public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
              }

              @Override
              public void onError(Throwable error) {
                done.completeExceptionally(error);
              }
            });
    ChatResponse r = done.get(30, TimeUnit.SECONDS);
    long end = System.nanoTime();
    assertThat(String.join("", parts)).isEqualTo("one two three four five");
    assertThat(r.aiMessage().text()).isEqualTo("one two three four five");
    // The upstream spends 5 x 250 ms: the first token reaches the client's handler while the
    // upstream is still working on the other four, and the tokens arrive spread out.
    assertThat(Duration.ofNanos(arrivals.getLast() - arrivals.getFirst()))
        .isGreaterThan(Duration.ofMillis(750));
    assertThat(Duration.ofNanos(end - arrivals.getFirst())).isGreaterThan(Duration.ofMillis(750));
    assertThat(arrivals.getFirst() - sent).isPositive();
    assertThat(r.tokenUsage()).isNotNull();
    assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(12);
    assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(5);
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.modelName()).isEqualTo("main");
  }

  @Test
  void aToolRoundTrip() {
    ToolSpecification weather =
        ToolSpecification.builder()
            .name("weather")
            .description("the weather in a city")
            .parameters(
                JsonObjectSchema.builder().addStringProperty("city").required("city").build())
            .build();
    upstream.behave(new LocalUpstream.CallTool("call_7", "weather", "{\"city\":\"Paris\"}"));
    UserMessage question = UserMessage.from("weather in Paris?");
    ChatResponse first =
        model(KEY, "main")
            .chat(ChatRequest.builder().messages(question).toolSpecifications(weather).build());
    assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    assertThat(first.aiMessage().hasToolExecutionRequests()).isTrue();
    ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().getFirst();
    assertThat(call.id()).isEqualTo("call_7");
    assertThat(call.name()).isEqualTo("weather");
    assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");

    upstream.behave(new LocalUpstream.Tokens(List.of("Sunny ", "in ", "Paris."), 0, 40));
    int before = upstream.requests().size();
    ChatResponse second =
        model(KEY, "main")
            .chat(
                ChatRequest.builder()
                    .messages(
                        question,
                        first.aiMessage(),
                        ToolExecutionResultMessage.from(call, "sunny, 21 C"))
                    .toolSpecifications(weather)
                    .build());
    assertThat(second.aiMessage().text()).isEqualTo("Sunny in Paris.");
    JsonNode sent = upstream.requests().get(before);
    assertThat(sent.path("messages").findValuesAsText("role"))
        .containsExactly("user", "assistant", "tool");
    assertThat(sent.path("messages").get(1).path("tool_calls").get(0).path("id").asText())
        .isEqualTo("call_7");
    assertThat(sent.path("messages").get(2).path("tool_call_id").asText()).isEqualTo("call_7");
    assertThat(sent.path("messages").get(2).path("content").asText()).isEqualTo("sunny, 21 C");
    assertThat(sent.path("tools").get(0).path("function").path("name").asText())
        .isEqualTo("weather");
  }

  @Test
  void jsonModeIsPassedUpstream() {
    upstream.behave(new LocalUpstream.Tokens(List.of("{\"ok\": true}"), 0, 9));
    int before = upstream.requests().size();
    ChatResponse r =
        model(KEY, "main")
            .chat(
                ChatRequest.builder()
                    .messages(UserMessage.from("answer in JSON"))
                    .responseFormat(ResponseFormat.JSON)
                    .build());
    assertThat(r.aiMessage().text()).isEqualTo("{\"ok\": true}");
    assertThat(upstream.requests().get(before).path("response_format").path("type").asText())
        .isEqualTo("json_object");
  }

  @Test
  void errorsArriveAsLangChain4jsTypedExceptions() {
    upstream.behave(new LocalUpstream.Tokens(List.of("never"), 0, 1));
    ChatRequest hi = ChatRequest.builder().messages(UserMessage.from("hi")).build();
    assertThatThrownBy(() -> model("sk-wrong", "main").chat(hi))
        .isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> model(KEY, "no-such-router").chat(hi))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("no-such-router");
    assertThatThrownBy(
            () ->
                model(KEY, "main")
                    .chat(
                        ChatRequest.builder()
                            .messages(UserMessage.from("hi"))
                            .temperature(7.0)
                            .build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("temperature");
  }
}
