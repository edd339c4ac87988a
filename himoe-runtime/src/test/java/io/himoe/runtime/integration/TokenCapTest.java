package io.himoe.runtime.integration;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.shared.Context;
import io.himoe.shared.GenerationParams;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The mode's token budget bounds the {@code max_tokens} an expert is asked for. */
class TokenCapTest {

  private final List<InputData> seen = new CopyOnWriteArrayList<>();

  private final Expert recording =
      new Expert() {
        @Override
        public String name() {
          return "llm";
        }

        @Override
        public ExpertOut infer(InputData input, Context ctx) {
          seen.add(input);
          return ExpertOut.of(Value.text("ok"), 0, 1);
        }
      };

  private static InputData chat(Integer maxTokens) {
    return chat(maxTokens, "list the colours");
  }

  private static InputData chat(Integer maxTokens, String text) {
    GenerationParams.Builder p = GenerationParams.builder();
    if (maxTokens != null) {
      p.maxTokens(maxTokens);
    }
    return InputData.Conversation.of(List.of(Message.user(text))).withParams(p.build());
  }

  private static java.util.OptionalInt maxTokens(InputData in) {
    return ((InputData.Conversation) in).params().maxTokens();
  }

  @Test
  void theModesBudgetBoundsMaxTokens() throws Exception {
    // a simple request on a low, discharging battery: ECO, whose budget is 64 tokens
    RuntimeManager eco = RuntimeManager.builder().probe(() -> status(0.1, false, 0.2, 0.1)).build();
    RuntimeExpert e = RuntimeExpert.wrap(recording, eco);
    Context ctx = Context.of(Duration.ofSeconds(5));
    e.infer(chat(1000), ctx);
    // (distinct texts: ECO's response cache would answer a repeat without calling the expert)
    e.infer(chat(null, "list the fruits"), ctx);
    e.infer(chat(10, "list the trees"), ctx);
    assertThat(eco.currentMode()).isEqualTo(PerformanceMode.ECO);
    assertThat(seen).hasSize(3);
    assertThat(maxTokens(seen.get(0))).hasValue(64);
    assertThat(maxTokens(seen.get(1))).hasValue(64);
    assertThat(maxTokens(seen.get(2))).hasValue(10);
    // the rest of the conversation is untouched
    assertThat(((InputData.Conversation) seen.get(0)).messages())
        .isEqualTo(((InputData.Conversation) chat(1000)).messages());
  }

  @Test
  void inputsWithoutParametersPassUnchanged() throws Exception {
    RuntimeManager rt = RuntimeManager.builder().probe(() -> status(0.1, false, 0.2, 0.1)).build();
    InputData text = InputData.text("what is 2 + 2");
    RuntimeExpert.wrap(recording, rt).infer(text, Context.of(Duration.ofSeconds(5)));
    assertThat(seen).containsExactly(text);
  }
}
