package io.himoe.runtime.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.runtime.memory.MemoryExhaustedException;
import io.himoe.runtime.memory.MemoryPool;
import io.himoe.shared.Context;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * In-process models take their working memory from a pool: exact accounting while they run,
 * backpressure until the deadline, a clear "memory exhausted" error, and the lease always back.
 */
class PooledModelsTest {

  /** Records how much of the pool was in use while it ran; can block until released. */
  static final class Model implements Expert {
    final MemoryPool pool;
    final CountDownLatch release;
    final CountDownLatch running = new CountDownLatch(1);
    final AtomicLong seenUsed = new AtomicLong(-1);

    Model(MemoryPool pool, CountDownLatch release) {
      this.pool = pool;
      this.release = release;
    }

    @Override
    public String name() {
      return "model";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) throws InterruptedException {
      seenUsed.set(pool.usedBytes());
      running.countDown();
      if (!release.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      if (input.toText().contains("fail")) {
        throw new IllegalStateException("model failed");
      }
      return ExpertOut.of(Value.text("ok"), 0, 0.9);
    }
  }

  @Test
  void aCallHoldsExactlyItsWorkingMemoryAndAlwaysGivesItBack() throws Exception {
    MemoryPool pool = new MemoryPool("activations", 10_000);
    Model m = new Model(pool, new CountDownLatch(0));
    PooledExpert e = PooledExpert.wrap(m, pool, PooledExpert.linear(1_000, 10));
    assertThat(e.name()).isEqualTo("model");
    e.infer(InputData.text("12345"), Context.of(Duration.ofSeconds(1)));
    assertThat(m.seenUsed.get()).isEqualTo(1_050);
    assertThat(pool.usedBytes()).isZero();
    assertThatThrownBy(() -> e.infer(InputData.text("fail"), Context.of(Duration.ofSeconds(1))))
        .hasMessageContaining("model failed");
    assertThat(pool.usedBytes()).isZero();
    assertThat(pool.openLeases()).isZero();
  }

  @Test
  void aCallWaitsForMemoryUntilTheDeadlineThenFailsClearly() throws Exception {
    MemoryPool pool = new MemoryPool("activations", 1_000);
    CountDownLatch release = new CountDownLatch(1);
    Model m = new Model(pool, release);
    PooledExpert e = PooledExpert.wrap(m, pool, in -> 800);
    Thread first =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    e.infer(InputData.text("a"), Context.of(Duration.ofSeconds(5)));
                  } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                  }
                });
    assertThat(m.running.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.usedBytes()).isEqualTo(800);
    // The second call does not fit: it waits for the first until its own deadline, then fails.
    assertThatThrownBy(() -> e.infer(InputData.text("b"), Context.of(Duration.ofMillis(50))))
        .isInstanceOf(MemoryExhaustedException.class)
        .hasMessageContaining("activations");
    release.countDown();
    first.join();
    assertThat(pool.usedBytes()).isZero();
    assertThat(pool.waiting()).isZero();
  }

  @Test
  void throughTheEngineAnOversizedRequestIsAFailedOutcomeNotALeak() {
    MemoryPool pool = new MemoryPool("activations", 100);
    Model m = new Model(pool, new CountDownLatch(0));
    PooledExpert e = PooledExpert.wrap(m, pool, PooledExpert.linear(0, 10));
    try (Engine engine =
        Engine.builder(
                RuleOrchestrator.builder()
                    .router(KeywordRouter.builder("main", ExpertRegistry.of(e)).build())
                    .build())
            .build()) {
      Answer small = engine.ask(InputData.text("short"), Context.of(Duration.ofSeconds(1)));
      assertThat(small.value()).isEqualTo(Value.text("ok"));
      assertThatThrownBy(
              () ->
                  engine.ask(
                      InputData.text("a text far longer than the pool can hold"),
                      Context.of(Duration.ofSeconds(1))))
          .isInstanceOf(MoeError.class)
          .hasMessageContaining("model");
      assertThat(pool.usedBytes()).isZero();
    }
  }

  @Test
  void anEncoderLeasesPerInputAndPerBatch() {
    MemoryPool pool = new MemoryPool("activations", 4_096);
    AtomicLong seen = new AtomicLong();
    Encoder inner =
        input -> {
          seen.set(pool.usedBytes());
          return new Encoded(new float[] {1f, 0f});
        };
    Encoder batchAware =
        new Encoder() {
          @Override
          public Encoded encode(InputData input) {
            return inner.encode(input);
          }

          @Override
          public List<Encoded> encodeAll(List<? extends InputData> inputs) {
            seen.set(pool.usedBytes());
            return inputs.stream().map(i -> new Encoded(new float[] {0f, 1f})).toList();
          }
        };
    PooledEncoder one = PooledEncoder.wrap(inner, pool, 1_024, Duration.ofMillis(10));
    one.encode(InputData.text("x"));
    assertThat(seen.get()).isEqualTo(1_024);
    PooledEncoder batch = PooledEncoder.wrap(batchAware, pool, 1_024, Duration.ofMillis(10));
    assertThat(
            batch.encodeAll(List.of(InputData.text("a"), InputData.text("b"), InputData.text("c"))))
        .hasSize(3);
    assertThat(seen.get()).isEqualTo(3_072);
    // five inputs need more than the whole pool: two batches (4 + 1), each under its own lease
    List<Long> leased = new java.util.concurrent.CopyOnWriteArrayList<>();
    Encoder recording =
        new Encoder() {
          @Override
          public Encoded encode(InputData input) {
            return inner.encode(input);
          }

          @Override
          public List<Encoded> encodeAll(List<? extends InputData> inputs) {
            leased.add(pool.usedBytes());
            return inputs.stream().map(i -> new Encoded(new float[] {0f, 1f})).toList();
          }
        };
    assertThat(
            PooledEncoder.wrap(recording, pool, 1_024, Duration.ofMillis(10))
                .encodeAll(
                    List.of(
                        InputData.text("a"),
                        InputData.text("b"),
                        InputData.text("c"),
                        InputData.text("d"),
                        InputData.text("e"))))
        .hasSize(5);
    assertThat(leased).containsExactly(4_096L, 1_024L);
    // one input larger than the pool can never be encoded
    assertThatThrownBy(
            () ->
                PooledEncoder.wrap(inner, pool, 8_192, Duration.ofMillis(10))
                    .encode(InputData.text("x")))
        .isInstanceOf(MemoryExhaustedException.class);
    assertThat(pool.usedBytes()).isZero();
  }
}
