package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.LocalUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole conversations through the gateway: what the upstream receives, tool round trips, usage,
 * finish reasons, and parameters that are refused.
 */
class ChatConversationTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static LocalUpstream upstream;
  static Assembly assembly;
  static HimoeServer server;

  @BeforeAll
  static void start() throws Exception {
    upstream = new LocalUpstream();
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of())
                .parse(
                    """
                    budgets:
                      deadline_ms: 20000
                    experts:
                      - name: chat
                        kind: llm
                        endpoint: %s
                        models: [m1]
                        options:
                          tools: "true"
                          system_prompt: "You are the house assistant."
                      - name: planning
                        kind: planner
                    routers:
                      - id: llm
                        experts: [chat]
                      - id: plans
                        experts: [planning]
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

  static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void theUpstreamReceivesEveryMessageInOrder() throws Exception {
    upstream.behave(new LocalUpstream.Tokens(List.of("126"), 0, 31));
    int before = upstream.requests().size();
    HttpResponse<String> r =
        post(
            """
            {"model": "llm", "messages": [
              {"role": "system", "content": "Answer with a number."},
              {"role": "user", "content": "what is 6 * 7"},
              {"role": "assistant", "content": "42"},
              {"role": "user", "content": [{"type": "text", "text": "and times 3?"}]}]}
            """);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode sent = upstream.requests().get(before).path("messages");
    assertThat(sent.findValuesAsText("role"))
        .containsExactly("system", "system", "user", "assistant", "user");
    assertThat(sent.get(0).path("content").asText()).isEqualTo("You are the house assistant.");
    assertThat(sent.get(1).path("content").asText()).isEqualTo("Answer with a number.");
    assertThat(sent.get(2).path("content").asText()).isEqualTo("what is 6 * 7");
    assertThat(sent.get(3).path("content").asText()).isEqualTo("42");
    assertThat(sent.get(4).toString()).contains("and times 3?");
    JsonNode b = json(r);
    assertThat(b.path("model").asText()).isEqualTo("llm");
    assertThat(b.path("usage").path("prompt_tokens").asInt()).isEqualTo(31);
    assertThat(b.path("usage").path("completion_tokens").asInt()).isEqualTo(1);
    assertThat(b.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void aToolRoundTrip() throws Exception {
    upstream.behave(new LocalUpstream.CallTool("call_7", "weather", "{\"city\":\"Paris\"}"));
    String tools =
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"weather\","
            + " \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\":"
            + " \"string\"}}}}}]";
    HttpResponse<String> r =
        post(
            "{\"model\": \"llm\", \"messages\": [{\"role\": \"user\", \"content\": \"weather in"
                + " Paris?\"}], "
                + tools
                + "}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode choice = json(r).path("choices").get(0);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(choice.path("message").path("content").isNull()).isTrue();
    JsonNode call = choice.path("message").path("tool_calls").get(0);
    assertThat(call.path("id").asText()).isEqualTo("call_7");
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.path("function").path("name").asText()).isEqualTo("weather");
    assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");

    upstream.behave(new LocalUpstream.Tokens(List.of("Sunny ", "in ", "Paris."), 0, 40));
    int before = upstream.requests().size();
    r =
        post(
            "{\"model\": \"llm\", \"messages\": [{\"role\": \"user\", \"content\": \"weather in"
                + " Paris?\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": ["
                + call
                + "]}, {\"role\": \"tool\", \"tool_call_id\": \"call_7\", \"content\":"
                + " \"sunny, 21 C\"}], "
                + tools
                + "}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("Sunny in Paris.");
    JsonNode sent = upstream.requests().get(before);
    assertThat(sent.path("messages").findValuesAsText("role"))
        .containsExactly("system", "user", "assistant", "tool");
    assertThat(sent.path("messages").get(3).path("tool_call_id").asText()).isEqualTo("call_7");
    assertThat(sent.path("tools").get(0).path("function").path("name").asText())
        .isEqualTo("weather");
  }

  @Test
  void eachRefusedParameterIsA400NamingIt() throws Exception {
    String user = "\"messages\": [{\"role\": \"user\", \"content\": \"plan: a; b\"}]";
    Map<String, String> refused =
        Map.of(
            "n", "\"n\": 2",
            "max_tokens", "\"max_tokens\": \"x\"",
            "temperature", "\"temperature\": 3",
            "tool_choice", "\"tool_choice\": \"required\"",
            "stream_options", "\"stream_options\": {\"include_usage\": true}",
            "response_format.type", "\"response_format\": {\"type\": \"yaml\"}",
            "logit_bias", "\"logit_bias\": {\"50256\": -100}",
            "stop", "\"stop\": 5");
    for (var e : refused.entrySet()) {
      HttpResponse<String> r = post("{" + user + ", " + e.getValue() + "}");
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(json(r).path("error").path("param").asText()).as(e.getKey()).isEqualTo(e.getKey());
    }
    HttpResponse<String> r =
        post(
            "{\"model\": \"plans\", "
                + user
                + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("param").asText()).isEqualTo("tools");
    assertThat(json(r).path("error").path("message").asText()).contains("calls tools");
  }

  @Test
  void answersNoModelGeneratedAreCutAtMaxTokensAndStop() throws Exception {
    HttpResponse<String> r =
        post(
            "{\"model\": \"plans\", \"max_tokens\": 3, \"messages\": [{\"role\": \"user\","
                + " \"content\": \"plan: write the first draft; review it; ship it\"}]}");
    JsonNode b = json(r);
    assertThat(b.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    assertThat(b.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
    r =
        post(
            "{\"model\": \"plans\", \"stop\": [\"review\"], \"messages\": [{\"role\": \"user\","
                + " \"content\": \"plan: write the first draft; review it; ship it\"}]}");
    b = json(r);
    assertThat(b.path("choices").get(0).path("message").path("content").asText())
        .contains("write")
        .doesNotContain("review")
        .doesNotContain("ship");
    assertThat(b.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
  }
}
