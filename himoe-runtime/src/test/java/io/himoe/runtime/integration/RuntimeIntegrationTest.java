package io.himoe.runtime.integration;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.mode.ModelTier;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RuntimeIntegrationTest {

  private static final String HARD =
      "Debug this function step by step and prove why the SQL query fails after 3 retries; "
          + "it must be secure and efficient, without using a new library.";

  /** Answers with its name and counts its calls; records the profile it was given. */
  static final class Echo implements ModeAwareExpert {
    final String name;
    final AtomicInteger calls = new AtomicInteger();
    final List<PerformanceProfile> profiles = new CopyOnWriteArrayList<>();

    Echo(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx, PerformanceProfile profile) {
      calls.incrementAndGet();
      profiles.add(profile);
      return ExpertOut.of(Value.text(name + ":" + profile.tier()), 0, 0.9);
    }
  }

  private final AtomicReference<DeviceStatus> device =
      new AtomicReference<>(status(0.9, true, 0.2, 0.1));
  private final RuntimeManager rt = RuntimeManager.builder().probe(device::get).build();

  private Engine engine(List<Echo> echoes, List<RuntimeExpert> wrapped) {
    ExpertRegistry reg = ExpertRegistry.create();
    for (Echo e : echoes) {
      RuntimeExpert w = RuntimeExpert.wrap(e, rt);
      wrapped.add(w);
      reg.register(w);
    }
    KeywordRouter kw = KeywordRouter.builder("main", reg).topK(4).build();
    return Engine.builder(
            RuleOrchestrator.builder()
                .router(ModeCappedRouter.wrap(kw, rt))
                .defaultRouter("main")
                .build())
        .build();
  }

  private static long called(Answer a) {
    return a.trace().stages().getFirst().experts().stream()
        .map(ExpertTrace::status)
        .filter(s -> s == ExpertStatus.ANSWERED)
        .count();
  }

  @Test
  void modeCapsTopKAndPassesTheProfile() {
    List<Echo> echoes = List.of(new Echo("a"), new Echo("b"), new Echo("c"), new Echo("d"));
    try (Engine engine = engine(echoes, new ArrayList<>())) {
      Answer easy = engine.ask("What is a monad?");
      assertThat(rt.currentMode()).isEqualTo(PerformanceMode.BALANCED);
      assertThat(called(easy)).isEqualTo(2);

      Answer hard = engine.ask(HARD);
      assertThat(rt.currentMode()).isEqualTo(PerformanceMode.MAXIMUM);
      assertThat(called(hard)).isEqualTo(4);
      assertThat(hard.value()).isInstanceOf(Value.Text.class);
      assertThat(((Value.Text) hard.value()).data()).endsWith(":" + ModelTier.LARGE);
      // Every expert got the profile of its request's decision.
      assertThat(echoes.getFirst().profiles)
          .contains(rt.profile(PerformanceMode.BALANCED), rt.profile(PerformanceMode.MAXIMUM));
    }
  }

  @Test
  void cappedConfigFollowsTheCurrentMode() {
    ExpertRegistry reg = ExpertRegistry.of(new Echo("a"));
    ModeCappedRouter r =
        ModeCappedRouter.wrap(KeywordRouter.builder("main", reg).topK(4).build(), rt);
    rt.switchTo(PerformanceMode.ECO, "test");
    assertThat(r.config().topK()).isEqualTo(1);
    rt.switchTo(PerformanceMode.MAXIMUM, "test");
    assertThat(r.config().topK()).isEqualTo(4);
    assertThat(r.id()).isEqualTo("main");
    assertThat(r.experts()).isSameAs(reg);
  }

  @Test
  void cacheServesRepeatsOnlyInModesThatEnableIt() {
    List<Echo> echoes = List.of(new Echo("solo"));
    List<RuntimeExpert> wrapped = new ArrayList<>();
    try (Engine engine = engine(echoes, wrapped)) {
      engine.ask("What is a monad?");
      engine.ask("What is a monad?");
      assertThat(echoes.getFirst().calls).hasValue(1);
      assertThat(wrapped.getFirst().cacheHits()).isEqualTo(1);

      engine.ask(HARD);
      engine.ask(HARD);
      // MAXIMUM: fresh generation every time.
      assertThat(echoes.getFirst().calls).hasValue(3);
    }
  }

  /** Streams its answer word by word. */
  static final class Words implements io.himoe.experts.StreamingExpert {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "words";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      calls.incrementAndGet();
      return ExpertOut.of(Value.text("one two three"), 0, 0.9);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, io.himoe.shared.TokenListener listener) {
      calls.incrementAndGet();
      for (String w : List.of("one ", "two ", "three")) {
        listener.onToken(w);
      }
      return ExpertOut.of(Value.text("one two three"), 0, 0.9);
    }
  }

  @Test
  void aStreamingExpertStillStreamsUnderTheRuntime() {
    Words words = new Words();
    RuntimeExpert w = RuntimeExpert.wrap(words, rt);
    assertThat(w).isInstanceOf(io.himoe.experts.StreamingExpert.class);
    assertThat(RuntimeExpert.wrap(new Echo("plain"), rt))
        .isNotInstanceOf(io.himoe.experts.StreamingExpert.class);
    ExpertRegistry reg = ExpertRegistry.of(w);
    KeywordRouter kw = KeywordRouter.builder("main", reg).topK(1).build();
    try (Engine engine =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(ModeCappedRouter.wrap(kw, rt))
                    .defaultRouter("main")
                    .build())
            .build()) {
      List<String> tokens = new CopyOnWriteArrayList<>();
      Answer a =
          engine.ask(
              InputData.text("What is a monad?"),
              Context.of(Duration.ofSeconds(5)).withTokens(tokens::add));
      assertThat(tokens).containsExactly("one ", "two ", "three");
      assertThat(a.value()).isEqualTo(Value.text("one two three"));
      // BALANCED caches: the repeat is served whole from the cache, without calling the expert.
      List<String> again = new CopyOnWriteArrayList<>();
      Answer b =
          engine.ask(
              InputData.text("What is a monad?"),
              Context.of(Duration.ofSeconds(5)).withTokens(again::add));
      assertThat(b.value()).isEqualTo(Value.text("one two three"));
      assertThat(again).isEmpty();
      assertThat(words.calls).hasValue(1);
      assertThat(w.cacheHits()).isEqualTo(1);
    }
  }
}
