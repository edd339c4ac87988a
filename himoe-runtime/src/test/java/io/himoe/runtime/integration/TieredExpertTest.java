package io.himoe.runtime.integration;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.mode.ModelTier;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TokenListener;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TieredExpertTest {

  private static Expert model(String answer) {
    return new Expert() {
      @Override
      public String name() {
        return answer;
      }

      @Override
      public ExpertOut infer(InputData input, Context ctx) {
        return ExpertOut.of(Value.text(answer), 0, 1);
      }

      @Override
      public double canHandle(String task) {
        return answer.equals("large") ? 0.8 : 0.2;
      }
    };
  }

  @Test
  void theModeChoosesTheModelSize() throws Exception {
    AtomicReference<DeviceStatus> device = new AtomicReference<>(status(0.1, false, 0.2, 0.1));
    RuntimeManager rt = RuntimeManager.builder().probe(device::get).build();
    Expert llm =
        RuntimeExpert.wrap(
            TieredExpert.of(
                "llm", Map.of(ModelTier.SMALL, model("small"), ModelTier.LARGE, model("large"))),
            rt);
    // Low battery, simple question: ECO -> small model.
    ExpertOut eco =
        llm.infer(InputData.text("What is a monad?"), Context.of(Duration.ofSeconds(5)));
    assertThat(eco.value()).isEqualTo(Value.text("small"));
    // Plugged in, hard question: MAXIMUM -> large model.
    device.set(status(0.9, true, 0.2, 0.1));
    ExpertOut max =
        llm.infer(
            InputData.text(
                "Debug this function step by step and prove why the SQL query fails after 3 "
                    + "retries; it must be secure and efficient, without using a new library."),
            Context.of(Duration.ofSeconds(5)));
    assertThat(max.value()).isEqualTo(Value.text("large"));
    assertThat(llm.canHandle("x")).isEqualTo(0.8);
  }

  @Test
  void missingTiersFallBackToTheNearestSmallerThenLarger() {
    TieredExpert t =
        TieredExpert.of(
            "llm", Map.of(ModelTier.SMALL, model("small"), ModelTier.LARGE, model("large")));
    assertThat(t.modelFor(ModelTier.MEDIUM).name()).isEqualTo("small");
    TieredExpert onlyLarge = TieredExpert.of("llm", Map.of(ModelTier.LARGE, model("large")));
    assertThat(onlyLarge.modelFor(ModelTier.SMALL).name()).isEqualTo("large");
    assertThatThrownBy(() -> TieredExpert.of("llm", Map.of())).hasMessageContaining("no model");
  }

  private static StreamingExpert streamingModel(String answer) {
    return new StreamingExpert() {
      @Override
      public String name() {
        return answer;
      }

      @Override
      public ExpertOut infer(InputData input, Context ctx) {
        return ExpertOut.of(Value.text(answer), 0, 1);
      }

      @Override
      public ExpertOut stream(InputData input, Context ctx, TokenListener listener) {
        listener.onToken(answer);
        listener.onToken("!");
        return ExpertOut.of(Value.text(answer + "!"), 0, 1);
      }
    };
  }

  @Test
  void tiersThatStreamMakeAStreamingExpertWhoseTokensComeFromTheModesModel() throws Exception {
    AtomicReference<DeviceStatus> device = new AtomicReference<>(status(0.1, false, 0.2, 0.1));
    RuntimeManager rt = RuntimeManager.builder().probe(device::get).build();
    Expert llm =
        RuntimeExpert.wrap(
            TieredExpert.of(
                "llm",
                Map.of(
                    ModelTier.SMALL, streamingModel("small"),
                    ModelTier.LARGE, streamingModel("large"))),
            rt);
    assertThat(llm).isInstanceOf(StreamingExpert.class);
    List<String> tokens = new ArrayList<>();
    // low battery, simple question: ECO -> the small model streams
    ExpertOut eco =
        ((StreamingExpert) llm)
            .stream(
                InputData.text("What is a monad?"), Context.of(Duration.ofSeconds(5)), tokens::add);
    assertThat(tokens).containsExactly("small", "!");
    assertThat(eco.value()).isEqualTo(Value.text("small!"));
    // without a decision in the context: BALANCED's tier (MEDIUM -> the nearest smaller, small)
    tokens.clear();
    TieredExpert bare =
        TieredExpert.of(
            "llm",
            Map.of(
                ModelTier.SMALL,
                streamingModel("small"),
                ModelTier.LARGE,
                streamingModel("large")));
    ((StreamingExpert) bare)
        .stream(InputData.text("x"), Context.of(Duration.ofSeconds(5)), tokens::add);
    assertThat(tokens).containsExactly("small", "!");
    // one tier that cannot stream: the tiered expert does not pretend to
    assertThat(
            TieredExpert.of(
                "llm",
                Map.of(ModelTier.SMALL, streamingModel("small"), ModelTier.LARGE, model("large"))))
        .isNotInstanceOf(StreamingExpert.class);
  }
}
