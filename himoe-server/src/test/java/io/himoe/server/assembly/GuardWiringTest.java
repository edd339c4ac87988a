package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.engine.Answer;
import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every expert behind its guard: breaker state in /v1/experts and /metrics, fallbacks in order. */
class GuardWiringTest {

  @TempDir Path dir;

  private static String get(HimoeServer s, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(s.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A local port with nothing listening (connections are refused). */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void breakerStatesAreListedAndExported() throws Exception {
    try (Assembly a = Assembly.build(ServerFixtures.PLANNER_ONLY);
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      assertThat(get(s, "/v1/experts")).contains("\"circuit\":\"closed\"");
      assertThat(get(s, "/metrics"))
          .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"planning\"");
    }
  }

  @Test
  void aDeadEndpointOpensItsBreakerAndCallsThenFailFastWithTheReason() throws Exception {
    String yaml =
        """
        experts:
          - name: remote
            kind: llm
            endpoint: "http://127.0.0.1:%d/v1"
            models: [m]
            guard:
              breaker: {window: 2, min_calls: 2}
        routers:
          - id: main
        """
            .formatted(closedPort());
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"))) {
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> a.engine().ask(InputData.text("hi"), a.newContext(null, null)))
            .isInstanceOf(MoeError.class);
      }
      assertThat(a.experts().getFirst().circuit()).isEqualTo("open");
      assertThatThrownBy(() -> a.engine().ask(InputData.text("hi"), a.newContext(null, null)))
          .hasMessageContaining("circuit open");
    }
  }

  @Test
  void aFailingExpertFallsBackToTheNextInItsChain() throws Exception {
    String yaml =
        """
        experts:
          - name: remote
            kind: llm
            endpoint: "http://127.0.0.1:%d/v1"
            models: [m]
            fallbacks: [planning]
          - name: planning
            kind: planner
        routers:
          - id: main
            experts: [remote]
        """
            .formatted(closedPort());
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"))) {
      Answer answer = a.engine().ask(InputData.text("plan: wash; dry"), a.newContext(null, null));
      assertThat(answer.value().render()).contains("wash").contains("dry");
    }
  }
}
