package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.ExpertRef;
import io.himoe.server.config.ConfigLoader;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Which expert stacks a router may call on its own thread: in-process kinds whose stack does not
 * wait (docs/engine.md, "Inline calls").
 */
class InlineWiringTest {

  @Test
  void inProcessStacksRunInlineUnlessALayerWaits() throws Exception {
    String yaml =
        """
        experts:
          - {name: math, kind: math}
          - {name: planning, kind: planner}
          - {name: limited, kind: math, guard: {time_limit_ms: 500}}
          - {name: bounded, kind: planner, max_instances: 2}
          - {name: retried, kind: math, guard: {retry: {max_attempts: 2, backoff_ms: 10}}}
          - {name: remote, kind: llm, endpoint: "http://127.0.0.1:9/v1", models: [m]}
        routers:
          - {id: main, type: keyword}
        """;
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "t"))) {
      Map<String, Boolean> inline =
          a.orchestrator().lookup("main").router().experts().list().stream()
              .collect(Collectors.toMap(ExpertRef::name, r -> r.expert().runsInline()));
      assertThat(inline)
          .containsEntry("math", true)
          .containsEntry("planning", true)
          .containsEntry("limited", false)
          .containsEntry("bounded", false)
          .containsEntry("retried", false)
          .containsEntry("remote", false);
    }
  }
}
