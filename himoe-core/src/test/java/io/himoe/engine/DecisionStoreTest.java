package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.TestExperts;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.shared.Context;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Kept decisions are bounded by bytes, not only by count, and keep encoder vectors exactly. */
class DecisionStoreTest {

  /** A 4096-dimension encoder that sets a few dozen entries, like a hashing encoder. */
  static final class SparseEncoder implements Encoder {
    @Override
    public String id() {
      return "sparse-4096";
    }

    @Override
    public Encoded encode(InputData input) {
      float[] v = new float[4096];
      Random r = new Random(input.toText().hashCode());
      for (int i = 0; i < 60; i++) {
        v[r.nextInt(4096)] = r.nextFloat() - 0.5f;
      }
      return new Encoded(v);
    }
  }

  @Test
  void packedVectorsComeBackExactlyAndSmall() {
    Encoded sparse = new SparseEncoder().encode(InputData.text("how far is the moon"));
    PackedVector p = PackedVector.of(sparse);
    assertThat(p.unpack()).isEqualTo(sparse);
    assertThat(p.bytes()).isLessThan(1_000);
    float[] dense = new float[384];
    for (int i = 0; i < dense.length; i++) {
      dense[i] = i / 384f - 0.5f;
    }
    Encoded d = new Encoded(dense);
    assertThat(PackedVector.of(d).unpack()).isEqualTo(d);
    assertThat(PackedVector.of(d).bytes()).isBetween(4L * 384, 4L * 384 + 100);
  }

  private static Engine engine(long maxBytes, InstantSource clock) {
    Router r =
        KeywordRouter.builder(
                "main",
                ExpertRegistry.of(
                    TestExperts.Constant.of("a", "x"), TestExperts.Constant.of("b", "y")))
            .config(RouterConfig.of(1).withEncoder(new SparseEncoder()))
            .build();
    return Engine.builder(RuleOrchestrator.builder().router(r).build())
        .clock(clock)
        .decisions(10_000, Duration.ofHours(1))
        .decisionMaxBytes(maxBytes)
        .build();
  }

  @Test
  void largeInputsAreEvictedByBytesLeastRecentlyUsedFirst() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    try (Engine e = engine(1_000_000, now::get)) {
      Context c = Context.builder().budget(Duration.ofSeconds(5)).traceId("small").build();
      e.ask(InputData.text("a short question"), c);
      long small = e.decisions().bytes();
      assertThat(small).isLessThan(3_000);
      // Ten inputs of 100,000 characters: 200 KB each at two bytes a character.
      for (int i = 0; i < 10; i++) {
        e.knows("small"); // keeps "small" the most recently used
        e.ask(
            InputData.text("x".repeat(100_000) + i),
            Context.builder().budget(Duration.ofSeconds(5)).traceId("big-" + i).build());
      }
      assertThat(e.decisions().bytes()).isLessThanOrEqualTo(1_000_000);
      assertThat(e.knows("small")).isTrue();
      assertThat(e.knows("big-9")).isTrue();
      assertThat(e.knows("big-0")).isFalse();
      assertThat(e.decisions().size()).isBetween(4, 5);
      // Feedback on an evicted decision says so.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> e.feedback(Feedback.reward("big-0", 1)))
          .isInstanceOf(MoeError.UnknownTrace.class);
      // Expiry still applies.
      now.set(now.get().plus(Duration.ofHours(2)));
      assertThat(e.knows("small")).isFalse();
    }
  }

  @Test
  void tenThousandDecisionsOfAWideEncoderTakeAFractionOfTheirDenseSize() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    try (Engine e = engine(64L << 20, now::get)) {
      for (int i = 0; i < 10_000; i++) {
        e.ask(
            InputData.text("question number " + i + " about something"),
            Context.builder().budget(Duration.ofSeconds(5)).traceId("t" + i).build());
      }
      assertThat(e.decisions().size()).isEqualTo(10_000);
      // Dense, 10,000 vectors of 4096 floats alone took 164 MB.
      assertThat(e.decisions().bytes()).isLessThan(15L << 20);
    }
  }
}
