package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written chat reply is byte for byte what the API mapper writes for the record. */
class ChatCompletionJsonTest {

  private static ChatCompletion completion(
      ChatCompletion.Message message,
      String finish,
      JsonNode logprobs,
      ChatCompletion.Summary summary) {
    return new ChatCompletion(
        "chatcmpl-t1",
        "chat.completion",
        1_765_000_000L,
        "main",
        List.of(new ChatCompletion.Choice(0, message, finish, logprobs)),
        ChatCompletion.Usage.of(17, 3),
        "t1",
        summary);
  }

  private static ChatCompletion.Summary summary(
      String answer, Integer streamed, ChatSessions.Note note) {
    return new ChatCompletion.Summary(
        "main", List.of("math", "knowledge"), 4, 0.125, 1, 2, answer, streamed, note);
  }

  private static void assertSameBytes(ChatCompletion c) throws Exception {
    String expected = new String(JsonBodies.MAPPER.writeValueAsBytes(c), StandardCharsets.UTF_8);
    assertThat(new String(ChatCompletionJson.bytes(c), StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void aPlainAnswerIsWrittenAsTheMapperWritesIt() throws Exception {
    assertSameBytes(
        completion(
            new ChatCompletion.Message("assistant", "141 \"exact\" é\n€", List.of()),
            "stop",
            null,
            summary(null, null, null)));
  }

  @Test
  void toolCallsLogprobsAndEveryOptionalSummaryFieldAreWrittenAsTheMapperWritesThem()
      throws Exception {
    JsonNode logprobs =
        JsonBodies.MAPPER.readTree("{\"content\":[{\"token\":\"a\",\"logprob\":-0.5}]}");
    assertSameBytes(
        completion(
            new ChatCompletion.Message(
                "assistant",
                null,
                List.of(
                    new ChatRequest.ToolCall(
                        "call_1", "function", new ChatRequest.FunctionCall("f", "{\"x\":1}")))),
            "tool_calls",
            logprobs,
            summary("final", 12, new ChatSessions.Note("s-1", "stayed", "same expert as before"))));
  }

  @Test
  void anEmptyAnswerWithNoExpertsIsWrittenAsTheMapperWritesIt() throws Exception {
    assertSameBytes(
        completion(
            new ChatCompletion.Message("assistant", "", List.of()),
            "length",
            null,
            new ChatCompletion.Summary("r", List.of(), 0, 0.0, 0, 0, null, null, null)));
  }
}
