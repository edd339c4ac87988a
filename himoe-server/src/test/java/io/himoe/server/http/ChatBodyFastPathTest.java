package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The chat body's fast path against databind, the reference: for every generated body, the same
 * request or the same refusal (status, code, field, message), strict and lenient.
 */
class ChatBodyFastPathTest {

  // Fields with values the fast path reads, values it leaves to databind, and broken JSON.
  private static final List<String> FIELDS =
      List.of(
          "\"model\": \"main\"",
          "\"model\": \"\"",
          "\"model\": 1",
          "\"model\": null",
          "\"messages\": [{\"role\": \"user\", \"content\": \"What is 12 * (7 + 5) - 3?\"}]",
          "\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\","
              + " \"content\": \"hi\", \"name\": \"ann\"}]",
          "\"messages\": []",
          "\"messages\": [{}]",
          "\"messages\": [{\"content\": \"no role\"}]",
          "\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\":"
              + " \"parts\"}]}]",
          "\"messages\": [{\"role\": \"user\", \"content\": null}]",
          "\"messages\": [{\"role\": \"user\", \"content\": 5}]",
          "\"messages\": [{\"role\": \"user\", \"role\": \"user\", \"content\": \"dup\"}]",
          "\"messages\": [{\"role\": \"user\", \"content\": \"x\", \"extra\": 1}]",
          "\"messages\": [null]",
          "\"messages\": [\"text\"]",
          "\"messages\": {\"role\": \"user\"}",
          "\"messages\": \"hello\"",
          "\"messages\": [{\"role\": \"tool\", \"content\": \"r\", \"tool_call_id\": \"c1\"}]",
          "\"stream\": true",
          "\"stream\": false",
          "\"stream\": \"true\"",
          "\"stream\": 1",
          "\"user\": \"u-1\"",
          "\"user\": 7",
          "\"temperature\": 0.5",
          "\"temperature\": 1",
          "\"temperature\": \"0.5\"",
          "\"temperature\": 1e400",
          "\"temperature\": -0.0",
          "\"max_tokens\": 5",
          "\"max_tokens\": 5.0",
          "\"max_tokens\": 3000000000",
          "\"max_tokens\": \"5\"",
          "\"max_tokens\": -1",
          "\"top_p\": 0.9",
          "\"stream_options\": {\"include_usage\": true}",
          "\"himoe\": {\"session_id\": \"s1\"}",
          "\"unknown_field\": 1",
          "\"n\": 1",
          "\"model\": \"main\" \"user\": \"u\"",
          "\"model\": ");

  private static String outcome(byte[] body, boolean viaFastPath, boolean dropUnknown) {
    try {
      ChatRequest r =
          viaFastPath
              ? JsonBodies.parseChat(body, dropUnknown)
              : JsonBodies.parse(body, ChatRequest.class, dropUnknown);
      return "ok " + r;
    } catch (ApiError e) {
      return e.status() + " " + e.code() + " " + e.param() + " " + e.getMessage();
    }
  }

  private static List<String> bodies() {
    List<String> bodies = new ArrayList<>();
    for (String f : FIELDS) {
      bodies.add("{" + f + "}");
      bodies.add(
          "{\"model\": \"main\", "
              + f
              + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    }
    Random random = new Random(16);
    for (int i = 0; i < 6_000; i++) {
      StringBuilder sb = new StringBuilder("{");
      int n = random.nextInt(6);
      for (int j = 0; j < n; j++) {
        if (j > 0) {
          sb.append(", ");
        }
        sb.append(FIELDS.get(random.nextInt(FIELDS.size())));
      }
      sb.append('}');
      switch (random.nextInt(12)) {
        case 0 -> sb.append(" {}");
        case 1 -> sb.append(" x");
        case 2 -> sb.setLength(sb.length() - 1);
        case 3 -> sb.insert(0, "  \n");
        default -> {}
      }
      bodies.add(sb.toString());
    }
    bodies.addAll(List.of("", "[]", "null", "{", "}", "\"x\"", "{}", "{} ", "{}\n{}"));
    return bodies;
  }

  @Test
  void everyBodyGetsWhatDatabindGivesIt() {
    int fast = 0;
    for (String text : bodies()) {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      if (body.length > 0 && ChatBodyFastPath.read(body) != null) {
        fast++;
      }
      for (boolean dropUnknown : new boolean[] {false, true}) {
        assertThat(outcome(body, true, dropUnknown))
            .as("body %s (drop unknown %s)", text, dropUnknown)
            .isEqualTo(outcome(body, false, dropUnknown));
      }
    }
    // The fast path read many of the generated bodies, not none.
    assertThat(fast).isGreaterThan(300);
  }

  @Test
  void theCommonChatBodyIsReadByTheFastPath() {
    byte[] body =
        ("{\"model\": \"main\", \"messages\": [{\"role\": \"user\", \"content\": \"What is 12 * (7"
                + " + 5) - 3?\"}], \"temperature\": 0.2, \"max_tokens\": 64, \"stream\": false,"
                + " \"user\": \"u\"}")
            .getBytes(StandardCharsets.UTF_8);
    ChatRequest fast = ChatBodyFastPath.read(body);
    assertThat(fast).isNotNull().isEqualTo(JsonBodies.parse(body, ChatRequest.class, false));
    assertThat(fast.messages().getFirst().content().asText())
        .isEqualTo("What is 12 * (7 + 5) - 3?");
    assertThat(fast.maxTokens()).isEqualTo(64);
  }
}
