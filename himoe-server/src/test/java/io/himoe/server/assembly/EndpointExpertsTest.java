package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Answer;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoint experts ({@code llm}, and {@code openai}, its older name) against a real upstream Hi-MoE
 * server on 127.0.0.1, and {@code cost_per_call} on any kind.
 */
class EndpointExpertsTest {

  @TempDir Path dir;

  @Test
  void anOpenAiExpertCarriesTheTraceIdToTheUpstreamServerAsACorrelationId() throws Exception {
    try (Assembly up = Assembly.build(ServerFixtures.PLANNER_ONLY);
        HimoeServer upServer = ServerFixtures.serve(up, dir.resolve("up.db"))) {
      String yaml =
          """
          experts:
            - name: remote
              kind: openai
              endpoint: "%s/v1"
              models: [himoe]
              keywords: [plan]
              options: {confidence: "0.6"}
          routers:
            - id: main
          """
              .formatted(upServer.url());
      try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"))) {
        Answer answer =
            a.engine().ask(InputData.text("plan: wash; dry"), a.newContext("chain-7", null));
        assertThat(answer.value().render()).contains("wash").contains("dry");
        // A plain endpoint reports its configured confidence (its keywords only rank it).
        assertThat(answer.trace().stages().getFirst().experts().getFirst().confidence())
            .isEqualTo(0.6);
        // The upstream server chose its own trace id and kept the caller's as a correlation id
        // (a caller's id never keys a stored decision).
        HttpClient http = HttpClient.newHttpClient();
        String upstreamTrace =
            HimoeServer.json()
                .readTree(
                    http.send(
                            HttpRequest.newBuilder(URI.create(upServer.url() + "/v1/dashboard"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("decisions")
                .get(0)
                .path("trace_id")
                .asText();
        assertThat(upstreamTrace).isNotEqualTo("chain-7");
        HttpResponse<String> trace =
            http.send(
                HttpRequest.newBuilder(URI.create(upServer.url() + "/v1/traces/" + upstreamTrace))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(trace.statusCode()).as(trace.body() + " / " + answer.trace()).isEqualTo(200);
        assertThat(HimoeServer.json().readTree(trace.body()).path("correlation_id").asText())
            .isEqualTo("chain-7");
        assertThat(trace.body()).contains("planning");
      }
    }
  }

  @Test
  void costPerCallIsChargedForAnyKind() {
    String yaml =
        """
        experts:
          - name: planning
            kind: planner
            cost_per_call: 0.25
        routers:
          - id: main
        """;
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"))) {
      Answer answer = a.engine().ask(InputData.text("plan: a; b"), a.newContext(null, null));
      assertThat(answer.trace().costUnits()).isEqualTo(0.25);
    }
  }
}
