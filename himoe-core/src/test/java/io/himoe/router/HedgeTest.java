package io.himoe.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertOutcome;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.ExpertStats;
import io.himoe.experts.TestExperts;
import io.himoe.shared.Context;
import io.himoe.shared.CostBudget;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hedged calls: a late single call gets a second expert; the first good answer wins. */
class HedgeTest {

  /** Answers only when released; reports whether its call was cancelled (interrupted). */
  static final class Held implements Expert {
    final String name;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();

    Held(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double costBound(InputData input) {
      return 1.0;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) throws Exception {
      calls.incrementAndGet();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return ExpertOut.of(Value.text("held " + name), 1.0, 0.9);
    }
  }

  private static KeywordRouter router(Hedge hedge, Expert... experts) {
    return router(1, hedge, experts);
  }

  private static KeywordRouter router(int topK, Hedge hedge, Expert... experts) {
    KeywordRouter.Builder b = KeywordRouter.builder("main", ExpertRegistry.of(experts));
    for (int i = 0; i < experts.length; i++) {
      b.keyword(experts[i].name(), "go", experts.length - i);
    }
    return b.config(RouterConfig.of(topK).withHedge(hedge)).build();
  }

  /** Twenty answers of 5 ms: the expert's p95 is 5 ms. */
  private static void observedFast(KeywordRouter r, String name) {
    ExpertStats st = r.experts().stats(r.experts().byName(name).orElseThrow().id());
    for (int i = 0; i < 20; i++) {
      st.recordAnswer(5, 0);
    }
  }

  @Test
  void aLateCallIsHedgedAndTheFirstGoodAnswerWinsWhileTheOtherIsCancelled() throws Exception {
    Held slow = new Held("slow");
    var fast = new TestExperts.Constant("fast", Value.text("fast answer"), 0.9, 0.5, null);
    KeywordRouter r = router(Hedge.afterPercentile(95), slow, fast);
    observedFast(r, "slow");
    CostBudget budget = CostBudget.of(10);
    Context ctx = Context.builder().budget(Duration.ofSeconds(30)).costBudget(budget).build();

    RouteResult res = r.route(InputData.text("go"), ctx);

    assertThat(res.value()).isEqualTo(Value.text("fast answer"));
    assertThat(res.picked()).extracting(p -> p.name()).containsExactly("slow", "fast");
    assertThat(res.outcomes().getFirst())
        .isInstanceOfSatisfying(
            ExpertOutcome.Dropped.class,
            d -> assertThat(d.reason()).isEqualTo("hedge: fast answered first"));
    assertThat(res.shrink())
        .contains("hedge: slow had not answered after 5 ms (its p95) -> fast; fast answered first");
    // The loser's call is cancelled (its thread interrupted), well before its 30 s wait ends.
    assertThat(slow.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    // Both calls are paid for: the winner's actual cost, the loser's reservation (1.0).
    assertThat(budget.used()).isEqualTo(1.5);
    ExpertStats fastStats = r.experts().stats(r.experts().byName("fast").orElseThrow().id());
    ExpertStats slowStats = r.experts().stats(r.experts().byName("slow").orElseThrow().id());
    assertThat(fastStats.hedges()).isEqualTo(1);
    assertThat(fastStats.hedgeWins()).isEqualTo(1);
    assertThat(slowStats.hedges()).isZero();
  }

  @Test
  void withTopTwoALatePickIsHedgedToTheNextBestExpertNotAlreadyPicked() throws Exception {
    Held slow = new Held("slow");
    var quick = new TestExperts.Constant("quick", Value.text("quick answer"), 0.9, 0.5, null);
    var backup = new TestExperts.Constant("backup", Value.text("backup answer"), 0.8, 0.5, null);
    KeywordRouter r = router(2, Hedge.afterPercentile(95), slow, quick, backup);
    observedFast(r, "slow");
    observedFast(r, "quick");
    CostBudget budget = CostBudget.of(10);
    Context ctx = Context.builder().budget(Duration.ofSeconds(30)).costBudget(budget).build();

    RouteResult res = r.route(InputData.text("go"), ctx);

    // slow and quick are picked; slow is late: its hedge goes to backup, not to quick (already
    // called), and both answers are aggregated.
    assertThat(res.picked()).extracting(p -> p.name()).containsExactly("slow", "quick", "backup");
    assertThat(res.outcomes().getFirst())
        .isInstanceOfSatisfying(
            ExpertOutcome.Dropped.class,
            d -> assertThat(d.reason()).isEqualTo("hedge: backup answered first"));
    assertThat(res.outcomes().get(1)).isInstanceOf(ExpertOutcome.Answered.class);
    assertThat(res.outcomes().get(2)).isInstanceOf(ExpertOutcome.Answered.class);
    assertThat(res.value()).isEqualTo(Value.text("quick answer"));
    assertThat(res.shrink())
        .contains(
            "hedge: slow had not answered after 5 ms (its p95) -> backup; backup answered first");
    assertThat(slow.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(quick.calls.get()).isEqualTo(1);
    assertThat(backup.calls.get()).isEqualTo(1);
    // Paid: quick's and backup's actual costs, the loser's reservation (1.0).
    assertThat(budget.used()).isEqualTo(2.0);
    ExpertStats backupStats = r.experts().stats(r.experts().byName("backup").orElseThrow().id());
    assertThat(backupStats.hedges()).isEqualTo(1);
    assertThat(backupStats.hedgeWins()).isEqualTo(1);
    assertThat(r.experts().stats(r.experts().byName("quick").orElseThrow().id()).hedges()).isZero();
  }

  @Test
  void aHedgeThatFailsWhileTheLateCallRunsIsFollowedByTheNextExpert() throws Exception {
    Held slow = new Held("slow");
    var broken = new TestExperts.Failing("broken");
    var fast = new TestExperts.Constant("fast", Value.text("fast answer"), 0.9, 0.5, null);
    KeywordRouter r = router(Hedge.afterPercentile(95), slow, broken, fast);
    observedFast(r, "slow");

    RouteResult res = r.route(InputData.text("go"), Context.of(Duration.ofSeconds(30)));

    // broken is the next-best expert: its hedge fails at once while slow still runs, so fast
    // hedges slow in its place (the re-route of a failed hedge) and answers.
    assertThat(res.value()).isEqualTo(Value.text("fast answer"));
    assertThat(res.picked()).extracting(p -> p.name()).containsExactly("slow", "broken", "fast");
    assertThat(res.shrink())
        .contains("hedge: slow had not answered after 5 ms (its p95) -> broken; broken failed")
        .contains("hedge: slow had not answered after 5 ms (its p95) -> fast; fast answered first");
    assertThat(slow.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    ExpertStats fastStats = r.experts().stats(r.experts().byName("fast").orElseThrow().id());
    assertThat(fastStats.hedgeWins()).isEqualTo(1);
  }

  @Test
  void aCallThatAnswersWithinItsPercentileIsNotHedged() {
    var first = new TestExperts.Constant("first", Value.text("one"), 0.9, 0, null);
    var second = new TestExperts.Constant("second", Value.text("two"), 0.9, 0, null);
    KeywordRouter r = router(new Hedge(true, 95, 20, 10_000), first, second);
    observedFast(r, "first");

    RouteResult res = r.route(InputData.text("go"), Context.of(Duration.ofSeconds(30)));

    assertThat(res.value()).isEqualTo(Value.text("one"));
    assertThat(second.calls.get()).isZero();
    assertThat(res.shrink()).doesNotContain("hedge");
  }

  @Test
  void hedgingIsOffByDefaultAndWaitsForObservations() throws Exception {
    Held slow = new Held("slow");
    var fast = TestExperts.Constant.of("fast", "fast answer");
    assertThat(RouterConfig.of(1).hedge().enabled()).isFalse();

    // Enabled, but the slow expert has no answers yet: no percentile, no hedge.
    KeywordRouter r = router(Hedge.afterPercentile(95), slow, fast);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                // Released once the request is waiting on it, whatever the machine's speed.
                while (slow.calls.get() == 0) {
                  Thread.sleep(1);
                }
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              slow.release.countDown();
            });
    RouteResult res = r.route(InputData.text("go"), Context.of(Duration.ofSeconds(30)));

    assertThat(res.value()).isEqualTo(Value.text("held slow"));
    assertThat(fast.calls.get()).isZero();
  }

  @Test
  void recentLatencyPercentilesUseTheLastAnswersOnly() {
    ExpertStats st = new ExpertStats();
    assertThat(st.recentLatencyPercentileMs(95, 1)).isNaN();
    for (int i = 1; i <= 100; i++) {
      st.recordAnswer(i, 0);
    }
    st.recordFailure(100_000);
    // The last 64 answers are 37..100: nearest-rank p50 is 68, p95 is 97, p100 is 100.
    assertThat(st.recentLatencyPercentileMs(50, 20)).isEqualTo(68);
    assertThat(st.recentLatencyPercentileMs(95, 20)).isEqualTo(97);
    assertThat(st.recentLatencyPercentileMs(100, 20)).isEqualTo(100);
  }
}
