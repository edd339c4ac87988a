package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.server.ServerFixtures;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client mistakes are 4xx with a JSON error, never 5xx; re-routes happen behind the answer. */
class ClientMistakeTest {

  @TempDir Path dir;

  private static final String CONFIG =
      """
      experts:
        - name: math
          kind: math
          keywords: [what, compute]
        - name: planning
          kind: planner
          keywords: [plan]
      routers:
        - id: main
          type: keyword
          top_k: 1
      """;

  @Test
  void divisionByZeroIsA422NamingTheProblem() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(CONFIG, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "what is 1/0");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(r.body()).contains("unprocessable_input").contains("division by zero");
    }
  }

  @Test
  void integersAreExactUpTo1000Digits() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(CONFIG, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "compute 2^3000");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains(BigInteger.TWO.pow(3000).toString());
    }
  }

  @Test
  void aRequestTheFirstExpertCannotHandleIsReroutedToTheNextBest() throws Exception {
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(CONFIG, "t"));
        HimoeServer s = ServerFixtures.serve(a, dir.resolve("f.db"))) {
      // "what" sends it to math, which finds no expression (confidence 0): re-routed to planning.
      HttpResponse<String> r = ServerFixtures.chat(s, "main", "what to plan: wash; dry");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("wash").contains("dry");
    }
  }
}
