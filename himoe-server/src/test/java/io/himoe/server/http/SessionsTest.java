package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions across turns: a sticky session keeps its expert unless another beats it by the margin,
 * an escalate-only session never moves to a cheaper expert, and the reply and the trace say why.
 */
class SessionsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  /** Two planners: "plan" favours planning (the dearer), "checklist" favours checklist. */
  static String config(String sessions) {
    return """
        experts:
          - name: planning
            kind: planner
            keywords: [plan]
            cost_per_call: 0.2
          - name: checklist
            kind: planner
            keywords: [checklist]
            cost_per_call: 0.1
        routers:
          - id: main
            top_k: 1
        # Routers read the last user turn only, so that only the session ties turns together.
        gateway:
          route_turns: 0
        sessions: %s
        """
        .formatted(sessions);
  }

  HimoeServer serve(String sessions, String name) {
    Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(config(sessions), "t"));
    return HimoeServer.builder(a).host("127.0.0.1").port(0).feedbackDb(dir.resolve(name)).start();
  }

  static JsonNode post(HimoeServer s, ObjectNode body, String sessionId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (sessionId != null) {
      b.header("X-Session-Id", sessionId);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static ObjectNode turn(ArrayNode history, String user) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode m = body.putArray("messages");
    m.addAll(history);
    m.addObject().put("role", "user").put("content", user);
    return body;
  }

  static String expert(JsonNode reply) {
    return reply.path("himoe").path("experts").get(0).asText();
  }

  /** Turn 1 goes to planning; turn 2 would go to checklist on its own. */
  static JsonNode twoTurns(HimoeServer s, String sessionId) throws Exception {
    ArrayNode history = JSON.createArrayNode();
    JsonNode first = post(s, turn(history, "plan: pack; travel"), sessionId);
    assertThat(expert(first)).isEqualTo("planning");
    if (first.path("himoe").has("session")) {
      assertThat(first.path("himoe").path("session").path("decision").asText()).isEqualTo("new");
    }
    history.addObject().put("role", "user").put("content", "plan: pack; travel");
    history
        .addObject()
        .put("role", "assistant")
        .put("content", first.path("choices").get(0).path("message").path("content").asText());
    return post(s, turn(history, "make a checklist for the trip"), sessionId);
  }

  @Test
  void withoutStickinessTheNextTurnGoesToTheBestExpert() throws Exception {
    try (HimoeServer s = serve("{sticky: false}", "a.db")) {
      assertThat(expert(twoTurns(s, null))).isEqualTo("checklist");
    }
  }

  @Test
  void aStickySessionKeepsItsExpertWithinTheMarginAndSaysWhy() throws Exception {
    try (HimoeServer s = serve("{sticky: true, margin: 1.0}", "b.db")) {
      // No session id: the conversation is found by the hash of its earlier turns.
      JsonNode second = twoTurns(s, null);
      assertThat(expert(second)).isEqualTo("planning");
      JsonNode session = second.path("himoe").path("session");
      assertThat(session.path("decision").asText()).isEqualTo("stayed");
      assertThat(session.path("reason").asText()).contains("planning kept").contains("margin");
      JsonNode trace =
          JSON.readTree(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  s.url() + "/v1/traces/" + second.path("trace_id").asText()))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(trace.path("session").path("decision").asText()).isEqualTo("stayed");
    }
  }

  @Test
  void aStickySessionMovesWhenAnotherExpertBeatsItByTheMargin() throws Exception {
    try (HimoeServer s = serve("{sticky: true, margin: 0.0}", "c.db")) {
      JsonNode second = twoTurns(s, "conv-1");
      assertThat(expert(second)).isEqualTo("checklist");
      assertThat(second.path("himoe").path("session").path("decision").asText()).isEqualTo("moved");
      assertThat(second.path("himoe").path("session").path("reason").asText())
          .contains("checklist")
          .contains("beats planning");
    }
  }

  @Test
  void escalateOnlyNeverMovesToACheaperExpert() throws Exception {
    try (HimoeServer s = serve("{sticky: false, escalate_only: true}", "d.db")) {
      JsonNode second = twoTurns(s, "conv-2");
      assertThat(expert(second)).isEqualTo("planning");
      assertThat(second.path("himoe").path("session").path("reason").asText())
          .contains("escalate-only left out cheaper checklist");
    }
  }
}
