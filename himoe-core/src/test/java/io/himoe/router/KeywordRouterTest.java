package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.experts.planning.RulePlanner;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeywordRouterTest {

  private final ExpertRegistry reg =
      ExpertRegistry.of(
          new RulePlanner(),
          TestExperts.Constant.of("math", "4"),
          TestExperts.Constant.of("chat", "hi"));
  private final KeywordRouter router =
      KeywordRouter.builder("kw", reg)
          .keywords("math", "compute", "sum")
          .keyword("math", "fr:calc", 2)
          .fallback("chat")
          .build();

  private String top(String text) {
    GateScores w =
        router
            .config()
            .policy()
            .apply(
                router.gate(
                    RouterInput.raw(InputData.text(text)), Context.of(Duration.ofSeconds(1))));
    return reg.byId(w.scores().getFirst().id()).orElseThrow().name();
  }

  @Test
  void hintsKeywordsAndFallbackDecide() {
    assertThat(top("Plan: buy milk, then cook")).isEqualTo("planning");
    assertThat(top("please COMPUTE the sum")).isEqualTo("math");
    assertThat(top("task fr:calc now")).isEqualTo("math");
    assertThat(top("summary of the news")).isEqualTo("chat");
  }

  @Test
  void badConfigurationIsRefused() {
    var b = KeywordRouter.builder("kw", reg);
    assertThatThrownBy(() -> b.keyword("math", " ", 1)).hasMessageContaining("blank");
    assertThatThrownBy(() -> b.keyword("math", "x", -1)).hasMessageContaining("weight");
    assertThatThrownBy(() -> b.sharpness(0)).hasMessageContaining("sharpness");
    assertThatThrownBy(() -> b.topK(0)).hasMessageContaining("top_k");
    assertThatThrownBy(() -> KeywordRouter.builder(" ", reg)).hasMessageContaining("id");
  }
}
