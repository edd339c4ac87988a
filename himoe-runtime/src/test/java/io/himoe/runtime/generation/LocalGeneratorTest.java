package io.himoe.runtime.generation;

import static io.himoe.runtime.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.runtime.RuntimeManager;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.generation.GenerationResult.Stop;
import io.himoe.runtime.memory.MemoryExhaustedException;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.runtime.mode.ModeChange;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.CancelToken;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LocalGeneratorTest {

  static final String HARD =
      "Debug this function step by step and prove why the SQL query fails after 3 retries; "
          + "it must be secure and efficient, without using a new library.";
  static final NgramModel MODEL = NgramModel.bundled();

  /** Collects chunks; requests {@code initial} up front and lets tests act on each chunk. */
  static final class Collector implements Flow.Subscriber<String> {
    final List<String> chunks = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch ended = new CountDownLatch(1);
    final long initial;
    volatile Flow.Subscription subscription;
    volatile Consumer<Integer> onEach = n -> {};

    Collector(long initial) {
      this.initial = initial;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(initial);
    }

    @Override
    public void onNext(String item) {
      chunks.add(item);
      onEach.accept(chunks.size());
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      ended.countDown();
    }

    @Override
    public void onComplete() {
      ended.countDown();
    }

    String text() {
      return String.join("", chunks);
    }
  }

  private final AtomicReference<DeviceStatus> device =
      new AtomicReference<>(status(0.9, true, 0.2, 0.1));
  private final RuntimeManager rt =
      RuntimeManager.builder()
          .probe(device::get)
          .profile(
              PerformanceMode.MAXIMUM,
              PerformanceProfile.ofDefaults(PerformanceMode.MAXIMUM).withMaxTokens(40))
          .profile(
              PerformanceMode.BALANCED,
              PerformanceProfile.ofDefaults(PerformanceMode.BALANCED).withMaxTokens(20))
          .build();
  private final MemoryPools pools =
      MemoryPools.of(Map.of(MemoryPools.KV_CACHE, 8L << 20, MemoryPools.ACTIVATIONS, 1L << 20));

  private LocalGenerator generator() {
    return LocalGenerator.builder(MODEL, rt, pools).build();
  }

  private void assertNoLeases() {
    assertThat(pools.usedBytes()).isZero();
    pools.all().forEach(p -> assertThat(p.openLeases()).isZero());
  }

  @Test
  void streamsTheModesTokenBudgetAndReleasesEverything() throws Exception {
    TokenStream s = generator().stream(HARD);
    assertThat(s.initialDecision().mode()).isEqualTo(PerformanceMode.MAXIMUM);
    Collector c = new Collector(Long.MAX_VALUE);
    s.subscribe(c);
    GenerationResult r = s.done().get(30, TimeUnit.SECONDS);
    assertThat(c.ended.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(r.stop()).isEqualTo(Stop.BUDGET);
    assertThat(r.tokens()).isEqualTo(40).isEqualTo(c.chunks.size());
    assertThat(c.error.get()).isNull();
    assertThat(c.text().split(" ").length).isGreaterThan(20);
    // The KV cache reserved the mode's bytes for every token.
    long perToken = rt.profile(PerformanceMode.MAXIMUM).bytesPerToken();
    assertThat(pools.pool(MemoryPools.KV_CACHE).peakBytes()).isEqualTo(40 * perToken);
    assertThat(pools.pool(MemoryPools.ACTIVATIONS).peakBytes())
        .isEqualTo((long) MODEL.maxCandidates() * Double.BYTES);
    assertNoLeases();
  }

  @Test
  void sameSeedSameText() throws Exception {
    Collector a = new Collector(Long.MAX_VALUE);
    Collector b = new Collector(Long.MAX_VALUE);
    TokenStream sa = generator().stream("How does the router choose experts?");
    sa.subscribe(a);
    sa.done().get();
    TokenStream sb = generator().stream("How does the router choose experts?");
    sb.subscribe(b);
    sb.done().get();
    assertThat(a.text()).isEqualTo(b.text()).isNotBlank();
  }

  @Test
  void producesOnlyWhatWasRequested() throws Exception {
    TokenStream s = generator().stream(HARD);
    Collector c = new Collector(3);
    c.onEach =
        n -> {
          if (n == 3) {
            c.subscription.cancel();
          }
        };
    s.subscribe(c);
    GenerationResult r = s.done().get();
    assertThat(r.tokens()).isEqualTo(3);
    assertThat(c.chunks).hasSize(3);
    assertThat(r.stop()).isEqualTo(Stop.CANCELLED);
    // After cancel: neither onComplete nor onError.
    assertThat(c.ended.getCount()).isEqualTo(1);
    assertNoLeases();
  }

  @Test
  void switchesModeMidStreamWhenTheBatteryDrops() throws Exception {
    List<ModeChange> heard = new CopyOnWriteArrayList<>();
    rt.onModeChange(heard::add);
    TokenStream s = generator().stream(HARD);
    Collector c = new Collector(Long.MAX_VALUE);
    c.onEach =
        n -> {
          if (n == 5) {
            device.set(status(0.1, false, 0.2, 0.1));
          }
        };
    s.subscribe(c);
    GenerationResult r = s.done().get();
    // MAXIMUM for tokens 1-10; re-read at token 10 -> BALANCED, whose budget is 20 tokens.
    assertThat(r.modeSwitches()).isEqualTo(1);
    assertThat(r.finalMode()).isEqualTo(PerformanceMode.BALANCED);
    assertThat(r.tokens()).isEqualTo(20);
    assertThat(heard)
        .last()
        .satisfies(
            ch -> {
              assertThat(ch.from()).isEqualTo(PerformanceMode.MAXIMUM);
              assertThat(ch.to()).isEqualTo(PerformanceMode.BALANCED);
              assertThat(ch.reason()).startsWith("dynamic adjustment");
            });
    long kvPeak = pools.pool(MemoryPools.KV_CACHE).peakBytes();
    assertThat(kvPeak)
        .isEqualTo(
            10 * rt.profile(PerformanceMode.MAXIMUM).bytesPerToken()
                + 10 * rt.profile(PerformanceMode.BALANCED).bytesPerToken());
    assertNoLeases();
  }

  @Test
  void reassessEveryIsConfigurable() throws Exception {
    TokenStream s = LocalGenerator.builder(MODEL, rt, pools).reassessEvery(3).build().stream(HARD);
    Collector c = new Collector(Long.MAX_VALUE);
    c.onEach =
        n -> {
          if (n == 1) {
            device.set(status(0.1, false, 0.2, 0.1));
          }
        };
    s.subscribe(c);
    GenerationResult r = s.done().get();
    assertThat(r.finalMode()).isEqualTo(PerformanceMode.BALANCED);
    assertThat(r.tokens()).isEqualTo(20);
    assertThat(pools.pool(MemoryPools.KV_CACHE).peakBytes())
        .isEqualTo(
            3 * rt.profile(PerformanceMode.MAXIMUM).bytesPerToken()
                + 17 * rt.profile(PerformanceMode.BALANCED).bytesPerToken());
  }

  @Test
  void cancelTokenStopsGenerationAndFreesLeases() throws Exception {
    CancelToken cancel = CancelToken.create();
    TokenStream s = generator().stream(HARD, rt.decide(HARD), cancel);
    Collector c = new Collector(Long.MAX_VALUE);
    c.onEach =
        n -> {
          if (n == 7) {
            cancel.cancel();
          }
        };
    s.subscribe(c);
    GenerationResult r = s.done().get();
    assertThat(r.stop()).isEqualTo(Stop.CANCELLED);
    assertThat(r.tokens()).isEqualTo(7);
    assertNoLeases();
  }

  @Test
  void aStalledSubscriberCanBeCancelledWhileTheGeneratorWaits() throws Exception {
    TokenStream s = generator().stream(HARD);
    Collector c = new Collector(1);
    s.subscribe(c);
    while (c.chunks.isEmpty()) {
      Thread.onSpinWait();
    }
    // The generator now holds its KV lease and waits for demand.
    c.subscription.cancel();
    assertThat(s.done().get().tokens()).isEqualTo(1);
    assertNoLeases();
  }

  @Test
  void memoryExhaustionFailsTheStreamWithAClearError() throws Exception {
    MemoryPools tiny =
        MemoryPools.of(Map.of(MemoryPools.KV_CACHE, 100_000L, MemoryPools.ACTIVATIONS, 1L << 20));
    TokenStream s =
        LocalGenerator.builder(MODEL, rt, tiny).leaseTimeout(Duration.ofMillis(10)).build().stream(
            HARD);
    Collector c = new Collector(Long.MAX_VALUE);
    s.subscribe(c);
    GenerationResult r = s.done().get();
    assertThat(r.stop()).isEqualTo(Stop.FAILED);
    // 64 KiB per token in MAXIMUM: the second token does not fit in 100,000 bytes.
    assertThat(r.tokens()).isEqualTo(1);
    assertThat(c.error.get())
        .isInstanceOf(MemoryExhaustedException.class)
        .hasMessageContaining("memory exhausted: pool 'kv-cache'");
    assertThat(tiny.usedBytes()).isZero();
  }

  @Test
  void protocolViolationsAreSignalled() throws Exception {
    TokenStream s = generator().stream(HARD);
    Collector bad = new Collector(0);
    s.subscribe(bad);
    GenerationResult r = s.done().get();
    assertThat(r.stop()).isEqualTo(Stop.FAILED);
    assertThat(bad.error.get()).hasMessageContaining("§3.9");
    Collector second = new Collector(1);
    s.subscribe(second);
    assertThat(second.error.get()).hasMessageContaining("single subscriber");
    assertNoLeases();
  }

  @Test
  void anyTokenSourceRunsUnderTheRuntimeAndMayEndEarly() throws Exception {
    // A source with five tokens and 1 KiB of working memory per step.
    TokenSource five =
        (prompt, profile) ->
            new TokenSession() {
              int i;

              @Override
              public Optional<String> next(PerformanceProfile p) {
                return i < 5 ? Optional.of(" t" + i++) : Optional.empty();
              }

              @Override
              public long stepBytes() {
                return 1024;
              }
            };
    TokenStream s = LocalGenerator.builder(five, rt, pools).build().stream(HARD);
    Collector c = new Collector(Long.MAX_VALUE);
    s.subscribe(c);
    GenerationResult r = s.done().get();
    assertThat(r.stop()).isEqualTo(Stop.END);
    assertThat(c.text()).isEqualTo(" t0 t1 t2 t3 t4");
    assertThat(c.ended.getCount()).isZero();
    assertThat(pools.pool(MemoryPools.ACTIVATIONS).peakBytes()).isEqualTo(1024);
    assertNoLeases();
  }

  @Test
  void cancelInterruptsASourceBlockedOnARemoteStream() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    AtomicReference<Boolean> closed = new AtomicReference<>(false);
    TokenSource remote =
        (prompt, profile) ->
            new TokenSession() {
              @Override
              public Optional<String> next(PerformanceProfile p) throws InterruptedException {
                blocked.countDown();
                new CountDownLatch(1).await();
                return Optional.empty();
              }

              @Override
              public void close() {
                closed.set(true);
              }
            };
    TokenStream s = LocalGenerator.builder(remote, rt, pools).build().stream(HARD);
    Collector c = new Collector(Long.MAX_VALUE);
    s.subscribe(c);
    blocked.await();
    c.subscription.cancel();
    GenerationResult r = s.done().get();
    assertThat(r.stop()).isEqualTo(Stop.CANCELLED);
    assertThat(closed.get()).isTrue();
    assertNoLeases();
  }

  @Test
  void aFailingSourceEndsTheStreamWithItsError() throws Exception {
    TokenSource broken =
        (prompt, profile) ->
            p -> {
              throw new java.io.IOException("connection reset");
            };
    TokenStream s = LocalGenerator.builder(broken, rt, pools).build().stream(HARD);
    Collector c = new Collector(Long.MAX_VALUE);
    s.subscribe(c);
    assertThat(s.done().get().stop()).isEqualTo(Stop.FAILED);
    assertThat(c.error.get()).hasMessage("connection reset");
    assertNoLeases();
  }

  @Test
  void pushProducersAreSlowedByTheConsumerAndStoppedByCancel() throws Exception {
    CountDownLatch producerDone = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger pushed =
        new java.util.concurrent.atomic.AtomicInteger();
    TokenSource llm =
        TokenSource.fromPush(
            (prompt, profile, onToken) -> {
              try {
                for (int i = 0; i < 1_000; i++) {
                  onToken.accept(" w" + i);
                  pushed.incrementAndGet();
                }
              } finally {
                producerDone.countDown();
              }
            });
    TokenStream s = LocalGenerator.builder(llm, rt, pools).build().stream(HARD);
    Collector c = new Collector(3);
    c.onEach =
        n -> {
          if (n == 3) {
            c.subscription.cancel();
          }
        };
    s.subscribe(c);
    GenerationResult r = s.done().get();
    assertThat(r.stop()).isEqualTo(Stop.CANCELLED);
    assertThat(c.text()).isEqualTo(" w0 w1 w2");
    // Closing the session interrupted the producer blocked on the full buffer.
    producerDone.await();
    assertThat(pushed.get()).isLessThanOrEqualTo(3 + 16 + 1);
    assertNoLeases();
  }

  @Test
  void pushProducerEndAndFailureReachTheSubscriber() throws Exception {
    TokenSource ok = TokenSource.fromPush((prompt, profile, onToken) -> onToken.accept("hi"));
    TokenStream s = LocalGenerator.builder(ok, rt, pools).build().stream(HARD);
    Collector c = new Collector(Long.MAX_VALUE);
    s.subscribe(c);
    assertThat(s.done().get().stop()).isEqualTo(Stop.END);
    assertThat(c.text()).isEqualTo("hi");

    TokenSource failing =
        TokenSource.fromPush(
            (prompt, profile, onToken) -> {
              onToken.accept("partial");
              throw new java.io.IOException("HTTP 503 from the model server");
            });
    TokenStream f = LocalGenerator.builder(failing, rt, pools).build().stream(HARD);
    Collector fc = new Collector(Long.MAX_VALUE);
    f.subscribe(fc);
    assertThat(f.done().get().stop()).isEqualTo(Stop.FAILED);
    assertThat(fc.text()).isEqualTo("partial");
    assertThat(fc.error.get()).hasMessage("HTTP 503 from the model server");
    assertNoLeases();
  }
}
