package io.himoe.runtime.generation;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.experts.ExpertRegistry;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.integration.ModeCappedRouter;
import io.himoe.runtime.integration.RuntimeExpert;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class GeneratorExpertTest {

  private final MemoryPools pools =
      MemoryPools.of(Map.of(MemoryPools.KV_CACHE, 64L << 20, MemoryPools.ACTIVATIONS, 1L << 20));

  @Test
  void answersThroughTheEngineInTheRequestsMode() {
    RuntimeManager rt =
        RuntimeManager.builder()
            .probe(() -> status(0.9, true, 0.2, 0.1))
            .profile(
                PerformanceMode.MAXIMUM,
                PerformanceProfile.ofDefaults(PerformanceMode.MAXIMUM).withMaxTokens(30))
            .build();
    LocalGenerator gen = LocalGenerator.builder(NgramModel.bundled(), rt, pools).build();
    ExpertRegistry reg =
        ExpertRegistry.of(RuntimeExpert.wrap(GeneratorExpert.of("local-gen", gen, rt), rt));
    KeywordRouter kw = KeywordRouter.builder("gen", reg).build();
    try (Engine engine =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(ModeCappedRouter.wrap(kw, rt))
                    .defaultRouter("gen")
                    .build())
            .build()) {
      Answer a = engine.ask(LocalGeneratorTest.HARD);
      assertThat(a.value()).isInstanceOf(Value.Text.class);
      String text = ((Value.Text) a.value()).data();
      assertThat(NgramModel.tokenize(text)).hasSize(30);
      assertThat(rt.currentMode()).isEqualTo(PerformanceMode.MAXIMUM);
    }
    assertThat(pools.usedBytes()).isZero();
  }

  @Test
  void cancellingTheRequestStopsGenerationAndFreesLeases() {
    CancelToken cancel = CancelToken.create();
    AtomicInteger reads = new AtomicInteger();
    // The second device reading happens at token 10: the request is cancelled right then.
    RuntimeManager rt =
        RuntimeManager.builder()
            .probe(
                () -> {
                  if (reads.incrementAndGet() == 2) {
                    cancel.cancel();
                  }
                  return status(0.9, true, 0.2, 0.1);
                })
            .build();
    LocalGenerator gen = LocalGenerator.builder(NgramModel.bundled(), rt, pools).build();
    GeneratorExpert expert = GeneratorExpert.of("local-gen", gen, rt);
    Context ctx = Context.builder().budget(Duration.ofMinutes(1)).cancel(cancel).build();
    assertThatThrownBy(() -> expert.infer(InputData.text(LocalGeneratorTest.HARD), ctx))
        .isInstanceOf(MoeError.Cancelled.class)
        .hasMessageContaining("generation after 10 tokens");
    assertThat(pools.usedBytes()).isZero();
    pools.all().forEach(p -> assertThat(p.openLeases()).isZero());
  }

  @Test
  void streamsEachChunkAndReportsAModeSwitchAtTheEnd() throws Exception {
    java.util.concurrent.atomic.AtomicReference<io.himoe.runtime.device.DeviceStatus> device =
        new java.util.concurrent.atomic.AtomicReference<>(status(0.9, true, 0.2, 0.1));
    RuntimeManager rt =
        RuntimeManager.builder()
            .probe(device::get)
            .profile(
                PerformanceMode.MAXIMUM,
                PerformanceProfile.ofDefaults(PerformanceMode.MAXIMUM).withMaxTokens(40))
            .profile(
                PerformanceMode.BALANCED,
                PerformanceProfile.ofDefaults(PerformanceMode.BALANCED).withMaxTokens(20))
            .build();
    LocalGenerator gen = LocalGenerator.builder(NgramModel.bundled(), rt, pools).build();
    GeneratorExpert expert = GeneratorExpert.of("local-gen", gen, rt);
    java.util.List<String> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.himoe.experts.ExpertOut out =
        expert.stream(
            InputData.text(LocalGeneratorTest.HARD),
            Context.of(Duration.ofMinutes(1)),
            chunk -> {
              chunks.add(chunk);
              if (chunks.size() == 5) {
                device.set(status(0.1, false, 0.2, 0.1)); // the battery drops mid-stream
              }
            });
    // MAXIMUM until the re-read at token 10, then BALANCED, whose budget (20) ends the stream
    assertThat(chunks).hasSize(20);
    assertThat(((Value.Text) out.value()).data()).isEqualTo(String.join("", chunks));
    io.himoe.experts.Generation g = out.aux().generation().orElseThrow();
    assertThat(g.completionTokens()).isEqualTo(20);
    assertThat(g.finishReason()).isEqualTo(io.himoe.experts.Generation.FinishReason.LENGTH);
    assertThat(g.model()).contains("local-ngram@MAXIMUM->BALANCED");
    assertThat(pools.usedBytes()).isZero();
  }
}
