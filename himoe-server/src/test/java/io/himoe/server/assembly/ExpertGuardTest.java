package io.himoe.server.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.himoe.experts.ExpertOut;
import io.himoe.server.config.GuardSpec;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The resilience4j guard of one expert, each piece on its own, with a hand-moved clock. */
class ExpertGuardTest {

  /** A clock moved by hand. */
  static final class HandClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final HandClock clock = new HandClock();

  private static final ExpertOut OK = ExpertOut.of(Value.text("ok"), 0, 1);

  private static GuardSpec breaker(int window, int minCalls, Duration open) {
    return GuardSpec.DEFAULT.withBreaker(
        new GuardSpec.Breaker(true, 50f, window, minCalls, open, 1));
  }

  private ExpertGuard guard(GuardSpec spec) {
    return ExpertGuard.create(
        "x",
        spec,
        CircuitBreakerRegistry.ofDefaults(),
        clock,
        OptionalInt.empty(),
        Duration.ofSeconds(5));
  }

  private Context ctx(Duration budget) {
    return Context.builder().budget(budget).clock(clock).build();
  }

  @Test
  void theBreakerOpensAfterFailuresRefusesWithoutCallingAndRecoversAfterItsWait() throws Exception {
    ExpertGuard g = guard(breaker(4, 2, Duration.ofSeconds(10)));
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger failing = new AtomicInteger(2);
    ExpertGuard.GuardedCall call =
        c -> {
          calls.incrementAndGet();
          if (failing.getAndDecrement() > 0) {
            throw new IllegalStateException("upstream down");
          }
          return OK;
        };
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> g.call(ctx(Duration.ofSeconds(1)), call, () -> true))
          .hasMessageContaining("upstream down");
    }
    assertThat(g.circuitState()).contains(CircuitBreaker.State.OPEN);

    assertThatThrownBy(() -> g.call(ctx(Duration.ofSeconds(1)), call, () -> true))
        .isInstanceOf(MoeError.ExpertFailed.class)
        .hasMessageContaining("circuit open");
    assertThat(calls).hasValue(2);

    clock.advance(Duration.ofSeconds(11));

    // The trial call goes through, succeeds and closes the breaker.
    assertThat(g.call(ctx(Duration.ofSeconds(1)), call, () -> true)).isEqualTo(OK);
    assertThat(g.circuitState()).contains(CircuitBreaker.State.CLOSED);
    assertThat(calls).hasValue(3);
  }

  @Test
  void aCancelByTheCallerDoesNotCountAgainstTheExpert() throws Exception {
    ExpertGuard g = guard(breaker(2, 1, Duration.ofSeconds(10)));
    CancelToken token = CancelToken.create();
    token.cancel();
    Context cancelled =
        Context.builder().budget(Duration.ofSeconds(1)).clock(clock).cancel(token).build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(
              () ->
                  g.call(
                      cancelled,
                      c -> {
                        throw new MoeError.Cancelled("test");
                      },
                      () -> true))
          .isInstanceOf(MoeError.Cancelled.class);
    }
    assertThat(g.circuitState()).contains(CircuitBreaker.State.CLOSED);
  }

  @Test
  void retriesOnlyWhileTheDeadlineLeavesRoom() throws Exception {
    GuardSpec spec = GuardSpec.DEFAULT.withRetry(new GuardSpec.Retry(3, Duration.ofMillis(5)));
    AtomicInteger calls = new AtomicInteger();
    ExpertGuard.GuardedCall failing =
        c -> {
          calls.incrementAndGet();
          throw new IllegalStateException("flaky");
        };
    ExpertGuard g =
        ExpertGuard.create(
            "x",
            spec,
            CircuitBreakerRegistry.ofDefaults(),
            Clock.systemUTC(),
            OptionalInt.empty(),
            Duration.ofSeconds(1));

    assertThatThrownBy(() -> g.call(Context.of(Duration.ofSeconds(5)), failing, () -> true))
        .hasMessageContaining("flaky");
    assertThat(calls).hasValue(3);

    calls.set(0);
    // 3 ms left: the 5 ms backoff does not fit, so no retry is started.
    assertThatThrownBy(() -> g.call(Context.of(Duration.ofMillis(3)), failing, () -> true))
        .hasMessageContaining("flaky");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aStreamIsNotRetriedOnceItsOutputBegan() throws Exception {
    GuardSpec spec = GuardSpec.DEFAULT.withRetry(new GuardSpec.Retry(3, Duration.ofMillis(1)));
    ExpertGuard g = guard(spec);
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                g.call(
                    Context.of(Duration.ofSeconds(5)),
                    c -> {
                      calls.incrementAndGet();
                      throw new IllegalStateException("broke mid-stream");
                    },
                    () -> false))
        .hasMessageContaining("broke mid-stream");
    assertThat(calls).hasValue(1);
  }

  @Test
  void theTimeLimitStopsACallThatIgnoresItsDeadline() {
    GuardSpec spec = GuardSpec.DEFAULT.withTimeLimit(Optional.of(Duration.ofMillis(100)));
    ExpertGuard g =
        ExpertGuard.create(
            "x",
            spec,
            CircuitBreakerRegistry.ofDefaults(),
            Clock.systemUTC(),
            OptionalInt.empty(),
            Duration.ofSeconds(1));
    AtomicInteger interrupted = new AtomicInteger();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                g.call(
                    Context.of(Duration.ofSeconds(10)),
                    c -> {
                      try {
                        Thread.sleep(10_000);
                      } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                      }
                      return OK;
                    },
                    () -> true))
        .isInstanceOf(MoeError.ExpertFailed.class)
        .hasMessageContaining("time limit of 100 ms");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
  }

  @Test
  void theBulkheadBoundsConcurrentCallsAndFollowsResizes() throws Exception {
    ExpertGuard g =
        ExpertGuard.create(
            "x",
            GuardSpec.DEFAULT.withMaxConcurrent(OptionalInt.of(4)),
            CircuitBreakerRegistry.ofDefaults(),
            Clock.systemUTC(),
            OptionalInt.of(1),
            Duration.ofSeconds(5));
    assertThat(g.concurrencyLimit()).isEqualTo(1);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    ExpertGuard.GuardedCall slow =
        c -> {
          peak.accumulateAndGet(now.incrementAndGet(), Math::max);
          Thread.sleep(2);
          now.decrementAndGet();
          return OK;
        };
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<ExpertOut>> fs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        fs.add(exec.submit(() -> g.call(Context.of(Duration.ofSeconds(5)), slow, () -> true)));
      }
      for (var f : fs) {
        assertThat(f.get()).isEqualTo(OK);
      }
    }
    assertThat(peak).hasValue(1);
    // A mode change asks for 8; max_instances caps it at 4.
    g.resize(8);
    assertThat(g.concurrencyLimit()).isEqualTo(4);
  }

  @Test
  void theRateLimitRefusesCallsOverItAtOnce() throws Exception {
    ExpertGuard g =
        guard(
            GuardSpec.DEFAULT.withRateLimit(
                Optional.of(new GuardSpec.RateLimit(2, Duration.ofSeconds(10)))));
    g.call(Context.of(Duration.ofSeconds(1)), c -> OK, () -> true);
    g.call(Context.of(Duration.ofSeconds(1)), c -> OK, () -> true);
    assertThatThrownBy(() -> g.call(Context.of(Duration.ofSeconds(1)), c -> OK, () -> true))
        .isInstanceOf(MoeError.ExpertFailed.class)
        .hasMessageContaining("rate limit of 2 calls per 10000 ms");
  }
}
